"""Demo content of voice: proposals, a conversation with thousands of simulated participants,
problem reports on the map, and a past workshop with its summary (日立市 only; 高萩市 gets the
report categories so its Open311 endpoint works)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from kyoso.core.models import City, District, Membership, Role, User
from kyoso.core.services.themes import theme_resolve
from kyoso.voice import services
from kyoso.voice.demo_content import (
    CONVERSATION_QUESTION,
    CONVERSATION_TITLE,
    PROPOSALS,
    SERVICES,
    STATEMENTS,
    WORKSHOP_IDEAS,
)
from kyoso.voice.models import (
    AttributeType,
    Comment,
    Conversation,
    Follow,
    Idea,
    MeasureLink,
    ModerationMode,
    Participant,
    Proposal,
    ProposalResponse,
    ProposalStatus,
    Report,
    ReportNote,
    ReportStatus,
    ServiceAttribute,
    ServiceType,
    Statement,
    StatementStatus,
    Support,
    Vote,
    Workshop,
)

N_SIM_CITIZENS = 300
N_PARTICIPANTS = 2500
DEMO = "（デモ）"


def load(city: City, rng: random.Random) -> None:
    """Add voice's demo content to ``city`` (deterministic for the same ``rng`` seed)."""
    make_services(city)
    if city.slug != "hitachi":
        return
    districts = list(District.objects.filter(city=city).order_by("sort_order"))
    staff = User.objects.get(email="staff@hitachi.example")
    citizens = _simulated_citizens(city, districts, rng)
    _proposals(city, districts, citizens, staff, rng)
    _conversation(city, staff, rng)
    _reports(city, districts, citizens, staff, rng)
    _workshops(city, districts, staff, citizens, rng)


def make_services(city: City) -> None:
    """Create the usual report categories of a Japanese city (idempotent)."""
    for order, (code, ja, en, group, keywords) in enumerate(SERVICES):
        service, created = ServiceType.objects.get_or_create(
            city=city,
            code=code,
            defaults={
                "name_ja": ja,
                "name_en": en,
                "group": group,
                "keywords": keywords,
                "description": en,
                "sort_order": order,
            },
        )
        if created and code == "pothole":
            ServiceAttribute.objects.create(
                city=city,
                service=service,
                code="SIZE",
                datatype=AttributeType.SINGLE,
                required=False,
                description="穴の大きさ / Size of the hole",
                order=1,
                values=[
                    {"key": "small", "name": "手のひらくらい / small"},
                    {"key": "large", "name": "それより大きい / large"},
                ],
            )


def _simulated_citizens(city: City, districts: list[District], rng: random.Random) -> list[User]:
    """Return the simulated citizens, reusing accounts a previous demo load left behind."""
    password = make_password(None)  # unusable; one value for all, computed once
    specs = [
        (f"voice-sim-{i:04d}@hitachi.example", f"市民{i:04d}{DEMO}", rng.randint(1935, 2006))
        for i in range(N_SIM_CITIZENS)
    ]
    existing = set(
        User.objects.filter(email__in=[e for e, _n, _b in specs]).values_list("email", flat=True)
    )
    User.objects.bulk_create(
        [
            User(email=email, display_name=name, birth_year=born, password=password)
            for email, name, born in specs
            if email not in existing
        ]
    )
    users = list(User.objects.filter(email__in=[e for e, _n, _b in specs]).order_by("email"))
    Membership.objects.bulk_create(
        [
            Membership(city=city, user=u, role=Role.CITIZEN, district=rng.choice(districts))
            for u in users
        ],
        ignore_conflicts=True,
    )
    return users


def _proposals(
    city: City, districts: list[District], citizens: list[User], staff: User, rng: random.Random
) -> None:
    now = timezone.now()
    threshold = int(city.rule("voice.support_threshold", 50))
    demo_citizen = User.objects.get(email="citizen@hitachi.example")
    for n, (theme, title, body) in enumerate(PROPOSALS):
        author = demo_citizen if n == 0 else rng.choice(citizens)
        district = rng.choice(districts)
        proposal = services.proposal_create(
            city=city,
            author=author,
            title=title,
            body=body + "\n" + DEMO,
            theme_code=theme,
            district=district,
            lat=district.center_lat + rng.uniform(-0.004, 0.004),
            lon=district.center_lon + rng.uniform(-0.004, 0.004),
            pseudonym="" if n % 3 else f"{district.name_ja}の住民",
            entered_by=staff if n % 9 == 4 else None,
        )
        created = now - timedelta(days=rng.randint(1, 330), hours=rng.randint(0, 23))
        n_support = rng.choice([0, 3, 8, 15, 30, 45, threshold + rng.randint(0, 40)])
        supporters = [
            u for u in rng.sample(citizens, min(n_support, len(citizens))) if u.pk != author.pk
        ]
        Support.objects.bulk_create(
            [Support(city=city, proposal=proposal, user=u) for u in supporters]
        )
        Follow.objects.bulk_create(
            [Follow(city=city, proposal=proposal, user=u) for u in supporters[:10]],
            ignore_conflicts=True,
        )
        fields = {"support_count": len(supporters), "created_at": created}
        if len(supporters) >= threshold:
            reached = created + timedelta(days=rng.randint(3, 20))
            fields |= {
                "threshold_reached_at": reached,
                "response_due_at": reached
                + timedelta(days=int(city.rule("voice.response_days", 30))),
            }
            if n % 4 != 1:  # most are answered; some stay overdue for the dashboard
                status = [
                    ProposalStatus.ACCEPTED,
                    ProposalStatus.IN_PROGRESS,
                    ProposalStatus.DONE,
                    ProposalStatus.UNDER_REVIEW,
                ][n % 4]
                ProposalResponse.objects.create(
                    city=city,
                    proposal=proposal,
                    author=staff,
                    status=status,
                    text=f"ご提案ありがとうございます。担当課で検討し、{ProposalStatus(status).label}としました。{DEMO}",
                )
                fields |= {"status": status, "responded_at": reached + timedelta(days=10)}
                if status in (ProposalStatus.IN_PROGRESS, ProposalStatus.DONE):
                    MeasureLink.objects.create(
                        city=city,
                        proposal=proposal,
                        measure_ref=f"M-{theme}-{n:02d}",
                        title=f"{title}に関する施策{DEMO}",
                        created_by=staff,
                    )
        elif n % 11 == 7:
            ProposalResponse.objects.create(
                city=city,
                proposal=proposal,
                author=staff,
                status=ProposalStatus.DECLINED,
                text=f"同じ内容の事業がすでに進んでいるため、今回は見送ります。{DEMO}",
            )
            fields |= {
                "status": ProposalStatus.DECLINED,
                "responded_at": created + timedelta(days=20),
            }
        Proposal.objects.filter(pk=proposal.pk).update(**fields)
        if n % 3 == 0:
            first = Comment.objects.create(
                city=city,
                proposal=proposal,
                author=rng.choice(citizens),
                public_name=f"市民{DEMO}",
                body="私も同じことで困っています。ぜひお願いします。",
            )
            Comment.objects.create(
                city=city,
                proposal=proposal,
                author=rng.choice(citizens),
                public_name=f"近所の人{DEMO}",
                body="時間帯によっても違うので、朝と夕方を特に増やしてほしいです。",
                parent=first,
            )


def _conversation(city: City, staff: User, rng: random.Random) -> None:
    conversation = services.conversation_create(
        city=city,
        actor=staff,
        title=CONVERSATION_TITLE,
        question=CONVERSATION_QUESTION + DEMO,
        moderation=ModerationMode.STRICT,
        seed_statements=[s for s, _lean in STATEMENTS],
        theme_code="transport",
    )
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    leanings = np.array([lean for _s, lean in STATEMENTS], dtype=np.int64)  # statements × 3
    gen = np.random.default_rng(rng.randrange(2**32))
    participants = Participant.objects.bulk_create(
        [Participant(city=city, conversation=conversation) for _ in range(N_PARTICIPANTS)]
    )
    group = gen.choice(3, size=N_PARTICIPANTS, p=[0.45, 0.35, 0.20])
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    rows: list[tuple[Any, ...]] = []
    for i, participant in enumerate(participants):
        n_votes = int(gen.integers(8, len(statements) - 3))
        chosen = gen.choice(len(statements), size=n_votes, replace=False)
        lean = leanings[chosen, group[i]]
        draw = gen.random(n_votes)
        agree_p = np.where(lean > 0, 0.82, np.where(lean < 0, 0.08, 0.4))
        pass_p = np.where(lean == 0, 0.25, 0.08)
        value = np.where(draw < agree_p, 1, np.where(draw < agree_p + pass_p, 0, -1))
        rows.extend(
            (city.pk, conversation.pk, participant.pk, statements[j].pk, int(v), stamp, stamp)
            for j, v in zip(chosen.tolist(), value.tolist(), strict=True)
        )
    # Tens of thousands of rows: a plain executemany is ~20x faster than bulk_create here.
    table = Vote._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (city_id, conversation_id, participant_id, statement_id, "  # noqa: S608 - fixed table name
            "value, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    # One participant's statement waits for the moderator, to show strict moderation.
    Statement.objects.create(
        city=city,
        conversation=conversation,
        text="乗合タクシーの予約をLINEでもできるようにしてほしい",
        author=participants[0],
        status=StatementStatus.PENDING,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        participant_count=len(participants), vote_count=len(rows)
    )
    # Simulated voters have no arrival history worth replaying; one fit keeps the loader fast.
    services.conversation_map_compute(
        conversation_id=conversation.pk, force=True, replay_history=False
    )


def _reports(
    city: City, districts: list[District], citizens: list[User], staff: User, rng: random.Random
) -> None:
    now = timezone.now()
    service_list = list(ServiceType.objects.filter(city=city))
    texts = {
        "streetlight": "街灯が消えたままで夜は真っ暗です。",
        "pothole": "道路に穴があいていて自転車が危ないです。",
        "dumping": "空き地に家電が捨てられています。",
        "park": "すべり台の手すりがぐらぐらしています。",
        "bus-stop": "バス停の時刻表が読めなくなっています。",
    }
    demo_citizen = User.objects.get(email="citizen@hitachi.example")
    reports = []
    for n in range(70):
        service = rng.choice(service_list)
        district = rng.choice(districts)
        requested = now - timedelta(days=rng.randint(0, 85), hours=rng.randint(0, 23))
        closed = n % 3 == 0
        reports.append(
            Report(
                city=city,
                service=service,
                token=f"demo-{city.slug}-{n:04d}",
                status=ReportStatus.CLOSED if closed else ReportStatus.OPEN,
                status_notes="修理しました。ご協力ありがとうございました。" if closed else "",
                description=texts.get(service.code, "") + DEMO,
                lat=district.center_lat + rng.uniform(-0.006, 0.006),
                lon=district.center_lon + rng.uniform(-0.006, 0.006),
                district=district,
                reporter=demo_citizen if n < 3 else rng.choice(citizens),
                requested_at=requested,
                closed_at=requested + timedelta(days=3) if closed else None,
                agency_responsible="道路管理課"
                if service.code in ("pothole", "streetlight")
                else "",
            )
        )
    created = Report.objects.bulk_create(reports)
    ReportNote.objects.bulk_create(
        [
            ReportNote(
                city=city,
                report=r,
                author=staff,
                text=r.status_notes,
                status_after=ReportStatus.CLOSED,
            )
            for r in created
            if r.status == ReportStatus.CLOSED
        ]
    )


def _workshops(
    city: City, districts: list[District], staff: User, citizens: list[User], rng: random.Random
) -> None:
    now = timezone.now()
    juo = next((d for d in districts if d.code == "juo"), districts[0])
    past = Workshop.objects.create(
        city=city,
        title=f"十王地区 みんなで話そう これからの移動{DEMO}",
        description="バスや乗合タクシーなど、地区の移動の困りごとと、できることを話し合いました。",
        place="十王交流センター",
        district=juo,
        starts_at=now - timedelta(days=21, hours=3),
        ends_at=now - timedelta(days=21, hours=1),
        capacity=40,
        registration_open=False,
        accessibility_notes="車いすで入れます。手話通訳あり。駐車場30台。",
        theme=theme_resolve(city=city, code="transport"),
        created_by=staff,
    )
    Idea.objects.bulk_create(
        [
            Idea(
                city=city,
                workshop=past,
                text=text,
                recorded_by=staff,
                is_proxy=i % 6 == 5,
                on_behalf_of=rng.choice(citizens) if i % 6 == 5 else None,
                dot_votes=(d := rng.randint(0, 12)),
                vote_count=d,
            )
            for i, text in enumerate(WORKSHOP_IDEAS)
        ]
    )
    services.workshop_summarize(city=city, workshop=past)
    kuji = next((d for d in districts if d.code == "kuji"), districts[-1])
    Workshop.objects.create(
        city=city,
        title=f"久慈地区 健康と見守りを考える会{DEMO}",
        description="一人暮らしの高齢者の見守りや、健康づくりについて話し合います。どなたでも参加できます。",
        place="久慈交流センター",
        district=kuji,
        starts_at=now + timedelta(days=14),
        ends_at=now + timedelta(days=14, hours=2),
        capacity=30,
        accessibility_notes="車いすで入れます。送迎が必要な方は電話でご相談ください。",
        theme=theme_resolve(city=city, code="health"),
        created_by=staff,
    )
