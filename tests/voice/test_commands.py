from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kyoso.voice.models import Conversation, ConversationMap

pytestmark = pytest.mark.django_db


def test_import_polis_folder_then_recompute(city, staff, shared_data):
    out = StringIO()
    call_command(
        "voice_import_polis",
        str(shared_data / "polis" / "brexit-consensus"),
        city=city.slug,
        staff=staff.email,
        stdout=out,
    )
    conversation = Conversation.objects.get(city=city)
    assert conversation.participant_count > 100
    first = ConversationMap.objects.get(conversation=conversation).computed_at
    out = StringIO()
    call_command("voice_recompute_maps", stdout=out)
    assert out.getvalue() == ""  # nothing was stale
    call_command("voice_recompute_maps", all=True, stdout=out)
    assert ConversationMap.objects.get(conversation=conversation).computed_at > first


def test_import_polis_rejects_unknown_city(staff, tmp_path):
    with pytest.raises(CommandError):
        call_command("voice_import_polis", str(tmp_path), city="nowhere", staff=staff.email)
