from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "kyoso.voice"
    label = "voice"
