from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from kyoso.voice.models import Comment, Proposal, Report, Statement, Vote
from tests.core.factories import MembershipFactory
from tests.voice.factories import (
    ConversationFactory,
    ProposalFactory,
    ReportFactory,
    ServiceTypeFactory,
    StatementFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buf, format="PNG")
    return buf.getvalue()


def url(name: str, city, *args):  # type: ignore[no-untyped-def]
    return reverse(f"voice:{name}", args=[city.slug, *args])


def test_index_and_lists_render(client, city):
    ProposalFactory(city=city)
    for name in ("index", "proposals", "conversations", "workshops", "reports"):
        assert client.get(url(name, city)).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_proposal_list_query_count_is_flat(client, city, django_assert_max_num_queries, n):
    for _ in range(n):
        ProposalFactory(city=city, district=city.districts.first())
    with django_assert_max_num_queries(8):
        response = client.get(url("proposals", city))
    assert response.status_code == 200
    assert response.content.count(b'class="proposal-item"') == n


@pytest.mark.parametrize("n", [2, 12])
def test_staff_report_list_query_count_is_flat(
    client, city, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        ReportFactory(city=city, district=city.districts.first(), assigned_to=staff)
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        response = client.get(url("staff_reports", city))
    assert response.status_code == 200
    assert response.content.count(b'<tr><th scope="row">') == n


def test_staff_pages_need_staff(client, city, citizen):
    client.force_login(citizen)
    for name in ("staff_reports", "dashboard", "moderation", "conversation_new", "workshop_new"):
        assert client.get(url(name, city)).status_code == 403, name


def test_dashboard_renders_for_staff(client, city, staff, citizen):
    ProposalFactory(city=city, author=citizen)
    ReportFactory(city=city)
    client.force_login(staff)
    response = client.get(url("dashboard", city))
    assert response.status_code == 200
    assert "by-theme" in response.content.decode()


def test_post_proposal_with_photo_and_point(client, city, citizen):
    client.force_login(citizen)
    photo = io.BytesIO(png_bytes())
    photo.name = "p.png"
    response = client.post(
        url("proposal_new", city),
        {
            "title": "ベンチがほしい",
            "body": "バス停にベンチを",
            "theme_code": "transport",
            "lat": "36.6",
            "lon": "140.6",
            "photo": photo,
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/proposals/{proposal.pk}/"
    )
    assert proposal.photo is not None and proposal.lat == 36.6
    detail = client.get(url("proposal", city, proposal.pk))
    assert "ベンチがほしい" in detail.content.decode()


def test_post_proposal_bad_photo_shows_error_and_writes_nothing(client, city, citizen):
    client.force_login(citizen)
    fake = io.BytesIO(b"not an image at all")
    fake.name = "p.png"
    response = client.post(url("proposal_new", city), {"title": "t", "body": "b", "photo": fake})
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_staff_proxy_proposal(client, city, staff, citizen):
    client.force_login(staff)
    response = client.post(
        url("proposal_new", city) + "?proxy=1",
        {"citizen_email": citizen.email, "title": "電話で", "body": "電話で受けた提案"},
    )
    assert response.status_code == 302
    p = Proposal.objects.get()
    assert p.author == citizen and p.entered_by == staff
    assert (
        "entered on behalf" in client.get(url("proposal", city, p.pk)).content.decode()
        or "代理" in client.get(url("proposal", city, p.pk)).content.decode()
    )


def test_similar_proposals_fragment(client, city):
    ProposalFactory(city=city, title="バスの本数を増やして", body="病院へ行くバスが少ない")
    ProposalFactory(city=city, title="公園に遊具を", body="子どもが遊べない")
    response = client.get(
        url("proposal_similar", city), {"title": "バスが少ない", "body": "病院に行くバス"}
    )
    text = response.content.decode()
    assert "バスの本数を増やして" in text and "公園に遊具を" not in text


def test_support_and_comment_pages(client, city, citizen):
    p = ProposalFactory(city=city)
    client.force_login(citizen)
    client.post(url("proposal_support", city, p.pk))
    p.refresh_from_db()
    assert p.support_count == 1
    client.post(url("comment_new", city, p.pk), {"body": "いいですね"})
    root = Comment.objects.get()
    client.post(url("comment_new", city, p.pk), {"body": "返信", "parent": root.pk})
    assert Comment.objects.filter(parent=root).count() == 1
    client.post(url("comment_edit", city, root.pk), {"body": "とてもいいですね"})
    root.refresh_from_db()
    assert root.body == "とてもいいですね"


def test_rate_limit_gives_429(client, city, citizen):
    city.rules = {"voice.posts_per_hour": 1}
    city.save()
    p = ProposalFactory(city=city)
    client.force_login(citizen)
    client.post(url("comment_new", city, p.pk), {"body": "1"})
    response = client.post(url("comment_new", city, p.pk), {"body": "2"})
    assert response.status_code == 429
    assert Comment.objects.count() == 1


def test_tenancy_other_city_cannot_see(client, city, other_city, citizen):
    p = ProposalFactory(city=city, title="日立だけの提案")
    r = ReportFactory(city=city)
    assert client.get(reverse("voice:proposal", args=[other_city.slug, p.pk])).status_code == 404
    assert client.get(reverse("voice:report", args=[other_city.slug, r.pk])).status_code == 404
    assert (
        "日立だけの提案"
        not in client.get(reverse("voice:proposals", args=[other_city.slug])).content.decode()
    )
    client.force_login(citizen)
    assert (
        client.post(reverse("voice:proposal_support", args=[other_city.slug, p.pk])).status_code
        == 404
    )


def test_hidden_proposal_only_for_author_and_staff(client, city, citizen, staff):
    p = ProposalFactory(city=city, author=citizen, is_hidden=True, hidden_reason="spam")
    assert client.get(url("proposal", city, p.pk)).status_code == 404
    client.force_login(citizen)
    assert client.get(url("proposal", city, p.pk)).status_code == 200
    client.force_login(staff)
    assert client.get(url("proposal", city, p.pk)).status_code == 200


def test_report_with_photo_and_mypage(client, city, citizen, staff):
    ServiceTypeFactory(city=city, code="streetlight", name_ja="街灯", name_en="Light")
    client.force_login(citizen)
    photo = io.BytesIO(png_bytes())
    photo.name = "light.png"
    response = client.post(
        url("report_new", city),
        {
            "service_code": "streetlight",
            "description": "消えています",
            "lat": "36.59",
            "lon": "140.65",
            "photo": photo,
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and report.photo is not None and report.reporter == citizen
    client.force_login(staff)
    client.post(
        url("staff_report_update", city, report.pk), {"action": "assign", "assignee": staff.pk}
    )
    client.post(
        url("staff_report_update", city, report.pk),
        {"action": "note", "text": "修理しました", "status": "closed"},
    )
    report.refresh_from_db()
    assert (
        report.status == "closed"
        and report.assigned_to == staff
        and report.status_notes == "修理しました"
    )
    client.force_login(citizen)
    my_page = client.get(reverse("core:my_page", args=[city.slug])).content.decode()
    assert f"#{report.pk}" in my_page and "修理しました" in my_page


def test_report_needs_a_place(client, city, citizen):
    ServiceTypeFactory(city=city, code="streetlight")
    client.force_login(citizen)
    response = client.post(
        url("report_new", city), {"service_code": "streetlight", "description": "x"}
    )
    assert response.status_code == 200 and not Report.objects.exists()


def test_citizen_cannot_triage(client, city, citizen):
    report = ReportFactory(city=city)
    client.force_login(citizen)
    response = client.post(
        url("staff_report_update", city, report.pk),
        {"action": "note", "text": "x", "status": "closed"},
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "open"


def test_conversation_vote_htmx_and_map(client, city, citizen, staff):
    conversation = ConversationFactory(city=city)
    statements = [StatementFactory(conversation=conversation) for _ in range(3)]
    client.force_login(citizen)
    page = client.get(url("conversation", city, conversation.pk)).content.decode()
    assert statements[0].text in page
    response = client.post(
        url("conversation_vote", city, conversation.pk),
        {"statement": statements[0].pk, "value": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert statements[1].text in body and 'hx-swap-oob="true"' in body
    assert Vote.objects.get().value == 1
    bad = client.post(
        url("conversation_vote", city, conversation.pk),
        {"statement": statements[1].pk, "value": "5"},
    )
    assert bad.status_code == 400


def test_moderation_queue_and_actions(client, city, citizen, moderator):
    conversation = ConversationFactory(city=city, moderation="strict")
    pending = Statement.objects.create(
        city=city, conversation=conversation, text="新しい意見", status="pending"
    )
    p = ProposalFactory(city=city)
    client.force_login(citizen)
    client.post(url("flag", city), {"target_type": "proposal", "target_id": p.pk, "reason": "広告"})
    assert (
        client.post(
            url("moderate", city),
            {"action": "hide", "target_type": "proposal", "target_id": p.pk, "reason": "x"},
        ).status_code
        == 403
    )
    client.force_login(moderator)
    queue = client.get(url("moderation", city)).content.decode()
    assert "新しい意見" in queue and "広告" in queue
    client.post(url("moderate", city), {"action": "accept", "target_id": pending.pk})
    client.post(
        url("moderate", city),
        {"action": "hide", "target_type": "proposal", "target_id": p.pk, "reason": "広告のため"},
    )
    pending.refresh_from_db()
    p.refresh_from_db()
    assert pending.status == "accepted" and p.is_hidden


def test_workshop_pages(client, city, staff, citizen):
    w = WorkshopFactory(city=city)
    client.force_login(citizen)
    client.post(url("workshop_register", city, w.pk))
    client.force_login(staff)
    client.post(url("idea_new", city, w.pk), {"text": "バス停に屋根を", "dot_votes": "3"})
    client.post(
        url("idea_new", city, w.pk),
        {"text": "公園に遊具を", "is_proxy": "on", "citizen_email": citizen.email},
    )
    client.post(url("workshop_summarize", city, w.pk))
    summary = client.get(url("workshop_summary", city, w.pk)).content.decode()
    assert "バス停に屋根を" in summary
    csv_body = b"".join(client.get(url("workshop_csv", city, w.pk)).streaming_content).decode(
        "utf-8-sig"
    )
    assert csv_body.splitlines()[0] == "id,idea,votes,proxy,group,keywords,theme"
    assert "公園に遊具を" in csv_body and ",yes," in csv_body


def test_mypage_section_lists_own_proposals(client, city, citizen):
    ProposalFactory(city=city, author=citizen, title="私の提案")
    MembershipFactory(city=city)
    client.force_login(citizen)
    assert "私の提案" in client.get(reverse("core:my_page", args=[city.slug])).content.decode()


def test_city_home_shows_voice_section(client, city):
    ProposalFactory(city=city, title="ホームに出る提案")
    response = client.get(reverse("core:city_home", args=[city.slug]))
    assert "ホームに出る提案" in response.content.decode()


def test_conversation_export_files(client, city):
    conversation = ConversationFactory(city=city)
    StatementFactory(conversation=conversation, text="輸出テスト")
    response = client.get(url("conversation_export", city, conversation.pk, "comments.csv"))
    assert response.status_code == 200 and "輸出テスト" in response.content.decode()
    assert (
        client.get(url("conversation_export", city, conversation.pk, "secrets.csv")).status_code
        == 404
    )


def test_report_contact_details_are_shown_on_request_and_recorded(client, city, staff, citizen):
    """Staff see a reporter's contact details only when they ask, and the reporter sees it."""
    from django.urls import reverse

    from kyoso.core.models import PersonalDataAccess
    from tests.voice.factories import ReportFactory

    report = ReportFactory(city=city, reporter=citizen, email="hana@example.jp")
    url = reverse("voice:report", args=[city.slug, report.pk])
    client.force_login(staff)
    plain = client.get(url).content.decode()
    assert "hana@example.jp" not in plain
    assert not PersonalDataAccess.objects.filter(subject=citizen).exists()
    shown = client.get(url + "?contact=1").content.decode()
    assert "hana@example.jp" in shown
    access = PersonalDataAccess.objects.get(subject=citizen)
    assert access.actor == staff
    client.force_login(citizen)
    assert "hana@example.jp" not in client.get(url + "?contact=1").content.decode()


def test_report_points_say_status_by_symbol_and_word(client, city):
    ReportFactory(city=city, status="open")
    ReportFactory(city=city, status="closed")
    features = client.get(f"/{city.slug}/voice/reports/points.geojson").json()["features"]
    by_symbol = {f["properties"]["symbol"]: f["properties"]["status_label"] for f in features}
    assert set(by_symbol) == {"!", "✓"} and by_symbol["!"] != by_symbol["✓"]
