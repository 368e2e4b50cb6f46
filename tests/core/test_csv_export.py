"""CSV formula injection: text a citizen typed never reaches a spreadsheet as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from kyoso.core.csv_export import spreadsheet_safe
from kyoso.voice.models import Idea
from tests.core.factories import MembershipFactory, UserFactory
from tests.vision.factories import KpiFactory
from tests.voice.factories import ConversationFactory, StatementFactory, WorkshopFactory

ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1"]  # fmt: skip


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_cells_get_an_apostrophe(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["-1", "+3.5", "-0.25", "1e5", "日立市", "", 7, -3])
def test_numbers_and_plain_text_stay(value: object) -> None:
    assert spreadsheet_safe(value) == value


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def _assert_neutral(body: str, text: str) -> None:
    cells = _cells(body.lstrip("\ufeff"))
    assert "'" + text in cells, cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


def _streamed(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize("text", ATTACKS[:1] + ATTACKS[4:5])
def test_members_export(client, city, staff, text) -> None:  # type: ignore[no-untyped-def]
    MembershipFactory(city=city, user=UserFactory(display_name=text))
    client.force_login(staff)
    url = reverse("core:staff_members", args=[city.slug])
    _assert_neutral(_streamed(client.get(url, {"format": "csv"})), text)


@pytest.mark.django_db
def test_kpi_actuals_exports(client, city, staff) -> None:  # type: ignore[no-untyped-def]
    text = ATTACKS[0]
    kpi = KpiFactory(city=city, code="co2", name_ja=text)
    from kyoso.vision.models import KpiActual

    KpiActual.objects.create(city=city, kpi=kpi, year=2024, value=-5, note="@note")
    client.force_login(staff)
    page = _streamed(client.get(reverse("vision:actuals_export", args=[city.slug])))
    api = _streamed(client.get(f"/api/v1/vision/{city.slug}/actuals.csv"))
    for body in (page, api):
        _assert_neutral(body, text)
        assert "'@note" in _cells(body)
        assert "-5" in _cells(body)  # a negative number is not a formula and still reads back


@pytest.mark.django_db
def test_workshop_ideas_export(client, city, staff) -> None:  # type: ignore[no-untyped-def]
    workshop = WorkshopFactory(city=city)
    Idea.objects.create(city=city, workshop=workshop, text=ATTACKS[0])
    client.force_login(staff)
    url = reverse("voice:workshop_csv", args=[city.slug, workshop.pk])
    _assert_neutral(_streamed(client.get(url)), ATTACKS[0])


@pytest.mark.django_db
def test_conversation_exports(client, city) -> None:  # type: ignore[no-untyped-def]
    conversation = ConversationFactory(city=city)
    StatementFactory(conversation=conversation, text=ATTACKS[1])
    url = reverse("voice:conversation_export", args=[city.slug, conversation.pk, "comments.csv"])
    _assert_neutral(_streamed(client.get(url)), ATTACKS[1])
    for name in ("participants-votes.csv", "votes.csv"):
        url = reverse("voice:conversation_export", args=[city.slug, conversation.pk, name])
        body = _streamed(client.get(url))
        assert not any(c.startswith(("=", "@")) for c in _cells(body))
