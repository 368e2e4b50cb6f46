"""Browser tests: a citizen posts a proposal, votes in a conversation and sees the map, files a report."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kyoso.voice.models import Proposal, Report, Vote
from tests.core.factories import PASSWORD
from tests.second_step import browser_sign_in
from tests.voice.factories import ConversationFactory, ProposalFactory, ServiceTypeFactory
from tests.voice.test_conversations import _two_camps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, citizen):  # type: ignore[no-untyped-def]
    # The shared test machine can be slow; waiting longer is not a timed assertion.
    page.set_default_timeout(60000)
    page.set_default_navigation_timeout(60000)
    browser_sign_in(page, citizen, PASSWORD)


def test_citizen_posts_proposal_and_sees_similar(page, city, citizen):
    ProposalFactory(city=city, title="病院行きのバスを増やして", body="バスの本数が少ない")
    _login(page, citizen)
    page.goto(f"{page.base_url}/{city.slug}/voice/proposals/new/")
    page.fill("#id_title", "バスが少ない")
    page.fill("#id_body", "病院へ行くバスの本数を増やしてほしいです")
    page.locator("#similar").get_by_text("病院行きのバスを増やして").wait_for()
    page.locator("#pick-map").click(position={"x": 200, "y": 150})
    assert page.input_value("#pick_lat") != ""
    page.get_by_role("button", name="投稿する").click()
    page.wait_for_url("**/proposals/*/")
    proposal = Proposal.objects.get(title="バスが少ない")
    assert proposal.lat is not None
    assert page.get_by_role("heading", name="バスが少ない").is_visible()


def test_citizen_votes_and_sees_map(page, city, citizen):
    conversation = ConversationFactory(city=city)
    statements, _p = _two_camps(city, conversation)
    from kyoso.voice import services

    services.conversation_map_compute(conversation_id=conversation.pk, force=True)
    _login(page, citizen)
    page.goto(f"{page.base_url}/{city.slug}/voice/conversations/{conversation.pk}/")
    page.get_by_text(statements[0].text, exact=True).wait_for()
    page.get_by_role("button", name="賛成").click()
    page.get_by_text(statements[1].text, exact=True).wait_for()
    page.get_by_role("button", name="反対").click()
    page.get_by_text(statements[2].text, exact=True).wait_for()
    assert Vote.objects.filter(participant__user=citizen).count() == 2
    page.locator("#opinion-map svg").first.wait_for()
    assert page.locator("#map-area .message").is_visible()  # "your answers place you near group …"
    assert page.locator(".group-card").count() == 2


def test_citizen_files_report_with_photo(page, city, citizen, tmp_path):
    ServiceTypeFactory(city=city, code="streetlight", name_ja="街灯の故障", name_en="Light")
    photo = tmp_path / "light.png"
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 0, 200)).save(buf, format="PNG")
    photo.write_bytes(buf.getvalue())
    _login(page, citizen)
    page.goto(f"{page.base_url}/{city.slug}/voice/reports/new/")
    page.select_option("#id_service_code", "streetlight")
    page.fill("#id_description", "街灯が消えています")
    page.locator("#pick-map").click(position={"x": 220, "y": 160})
    page.set_input_files("#id_photo", str(photo))
    page.get_by_role("button", name="送信する").click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert report.photo is not None and report.lat is not None
    assert page.locator("img.photo").is_visible()


def test_voice_pages_have_no_serious_accessibility_problems(page, city, citizen, staff):
    from kyoso.voice import services
    from tests.core.test_browser import _axe_serious
    from tests.voice.factories import WorkshopFactory

    ServiceTypeFactory(city=city, code="streetlight", name_ja="街灯の故障", name_en="Light")
    proposal = ProposalFactory(city=city, title="バス停に屋根を", author=citizen)
    conversation = ConversationFactory(city=city)
    _two_camps(city, conversation)
    services.conversation_map_compute(conversation_id=conversation.pk, force=True)
    workshop = WorkshopFactory(city=city)
    services.idea_record(city=city, workshop=workshop, actor=staff, text="バス停にベンチを")
    services.workshop_summarize(city=city, workshop=workshop)
    _login(page, citizen)
    base = f"{page.base_url}/{city.slug}/voice"
    problems = {}
    for path in (
        "/",
        "/proposals/",
        "/proposals/new/",
        f"/proposals/{proposal.pk}/",
        f"/conversations/{conversation.pk}/",
        "/reports/",
        "/reports/new/",
        f"/workshops/{workshop.pk}/",
        f"/workshops/{workshop.pk}/summary/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        found = _axe_serious(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_one_report_opens_at_street_level_with_status_by_symbol(page, city):
    from tests.voice.factories import ReportFactory

    ReportFactory(city=city, status="closed")
    page.goto(f"{page.base_url}/{city.slug}/voice/reports/")
    badge = page.locator(".map-symbol").first
    badge.wait_for()
    assert badge.inner_text() == "✓"  # done is a tick, open is "!", not only green and red
    # The legend names the symbols too, so the words match what the map shows.
    assert "「✓」：対応済み" in page.locator("main").inner_text()
    zoom = page.evaluate("document.querySelector('.map[data-points]')._kyosoMap.getZoom()")
    assert 13 <= zoom <= 16  # a single point opens at street level, not at an infinite zoom
