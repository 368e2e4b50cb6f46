from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "kyoso.evaluation"
    label = "evaluation"
