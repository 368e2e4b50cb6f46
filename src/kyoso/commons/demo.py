"""Demo content of the commons app for 日立市: groups, a finished vote and budget, a points economy.

Everything goes through the real services (transfers, ballots, rewards with consent), so the
demo ledger verifies and the demo board recounts. Takahagi stays empty. All names are demo data.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kyoso.commons.algorithms import election_trustee
from kyoso.commons.models import AccountKind, Decision, PbRound, TransferKind
from kyoso.commons.selectors.decisions import ceremony_for
from kyoso.commons.services import budgeting, burden, decisions, groups, ledger, payments, rewards
from kyoso.core.models import City, District, Membership, Role, User

GROUPS = [
    (
        "河原子海岸をきれいにする会 (demo)",
        "月に一度、河原子海岸のごみを拾います。",
        "green",
        "kawarago",
        [("ごみ拾い", "", 20), ("写真係", "写真", 1)],
    ),
    (
        "大みか 見守りウォーク (demo)",
        "夕方に歩きながら、ひとり暮らしの方に声をかけます。",
        "community",
        "omika",
        [("見守り", "", 10), ("車の運転", "運転", 2)],
    ),
    (
        "スマホ相談サロン 多賀 (demo)",
        "高齢の方のスマホの困りごとを、学生と一緒に手伝います。",
        "digital",
        "taga",
        [("教える人", "スマホ", 5), ("受付", "", 2)],
    ),
    (
        "BRT 沿線の花いっぱい (demo)",
        "ひたちBRTのバス停に花を植えて育てます。",
        "transport",
        "nanbu",
        [("水やり", "", 8)],
    ),
    (
        "子ども食堂 助川 (demo)",
        "毎週土曜日に子ども食堂を開きます。",
        "children",
        "sukegawa",
        [("調理", "調理", 4), ("配膳", "", 6)],
    ),
]
RULES = [
    ("beach-cleanup", "海岸・公園の清掃", "みんなの海と公園を守ってくれたお礼です。", 100, "green"),
    ("watch-walk", "見守りウォーク", "ひとり暮らしの方の安心につながるためです。", 80, "community"),
    ("phone-help", "スマホ相談の手伝い", "デジタルに不慣れな方を支えるためです。", 120, "digital"),
    (
        "workshop",
        "ワークショップへの参加",
        "まちの未来を一緒に考えてくれたお礼です。",
        50,
        "community",
    ),
]
SHOPS = [("shop-a@hitachi.example", "みなと鮮魚店 (demo)"), ("shop-b@hitachi.example", "多賀ベーカリー (demo)"),
         ("shop-c@hitachi.example", "大みか珈琲 (demo)")]  # fmt: skip
PB_PROJECTS = [
    ("p01", "通学路の見守りカメラ", 3_200_000), ("p02", "交流センターの Wi-Fi", 1_800_000),
    ("p03", "BRT バス停のベンチ", 2_400_000), ("p04", "海岸の案内板（多言語）", 1_200_000),
    ("p05", "子ども食堂の調理器具", 900_000), ("p06", "公園の健康遊具", 2_900_000),
    ("p07", "防災倉庫の備品", 1_600_000), ("p08", "商店街のポイント端末", 1_100_000),
]  # fmt: skip


def _people(city: City, n: int) -> list[User]:
    emails = [f"demo-commons-{k}@hitachi.example" for k in range(n)]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    new = []
    for k, email in enumerate(emails):
        if email not in existing:
            u = User(email=email, display_name=f"市民 {k + 1} (demo)", birth_year=1940 + k % 60)
            u.set_unusable_password()
            new.append(u)
    User.objects.bulk_create(new)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    districts = list(District.objects.filter(city=city))
    Membership.objects.bulk_create(
        [Membership(city=city, user=u, role=Role.CITIZEN, district=districts[i % len(districts)],
                    verified_resident=i % 3 != 0) for i, u in enumerate(users)],
        ignore_conflicts=True,
    )  # fmt: skip
    return users


def _shop(city: City, email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name)
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(city=city, user=user, role=Role.BUSINESS)
    return user


def load(city: City, rng: random.Random) -> None:
    if city.slug != "hitachi":
        return
    staff = User.objects.get(email="staff@hitachi.example")
    hana = User.objects.get(email="citizen@hitachi.example")
    business = User.objects.get(email="business@hitachi.example")
    people = _people(city, 60)
    now = timezone.now()
    districts = {d.code: d for d in District.objects.filter(city=city)}

    made_groups = []
    for k, (name, purpose, theme, district, roles) in enumerate(GROUPS):
        founder = people[k]
        g = groups.group_create(city=city, user=founder, name=name, purpose=purpose, theme=theme,
                                district=districts.get(district), roles=roles)  # fmt: skip
        for p in rng.sample(people[5:], 8):
            groups.group_join(city=city, user=p, group=g)
        groups.task_add(city=city, user=founder, group=g, title="参加者への連絡")
        groups.task_add(city=city, user=founder, group=g, title="道具の準備")
        groups.post_create(
            city=city, user=founder, group=g, body="はじめまして。どなたでも歓迎です。"
        )
        start = (now + timedelta(days=7 + k)).replace(hour=9, minute=0, second=0, microsecond=0)
        groups.event_create(city=city, user=founder, group=g, title=f"{name.split(' (')[0]} 第{k + 3}回",
                            starts_at=start, ends_at=start + timedelta(hours=2),
                            place="交流センター", capacity=20)  # fmt: skip
        made_groups.append(g)
    groups.group_join(city=city, user=hana, group=made_groups[0])

    # The points economy: issued into the treasury, rewards to people who opted in, spent at shops.
    issuer = ledger.system_account(city=city, kind=AccountKind.ISSUER)
    treasury = ledger.system_account(city=city, kind=AccountKind.TREASURY)
    start = now - timedelta(days=120)
    ledger.transfer_create(city=city, debit=issuer, credit=treasury, amount=500_000,
                           idempotency_key="demo-issue-1", kind=TransferKind.ISSUE,
                           memo="2026年度 地域ポイント予算 (demo)", actor=staff, at=start)  # fmt: skip
    rules = [rewards.reward_rule_save(city=city, actor=staff, code=c, name=n, reason=r, points=p,
                                      theme=t) for c, n, r, p, t in RULES]  # fmt: skip
    earners = [hana, *people[:40]]
    for p in earners:
        rewards.rewards_opt_in(city=city, user=p)
    shops = [payments.merchant_account_open(city=city, user=business)]
    shops += [payments.merchant_account_open(city=city, user=_shop(city, e, n)) for e, n in SHOPS]
    accounts = {p.pk: ledger.account_open(city=city, user=p) for p in earners}
    key = 0
    for day in range(0, 120, 2):
        at = start + timedelta(days=day, hours=10)
        for p in rng.sample(earners, 3):
            rule = rng.choice(rules)
            key += 1
            ledger.transfer_create(city=city, debit=treasury, credit=accounts[p.pk], amount=rule.points,
                                   idempotency_key=f"demo-reward-{key}", kind=TransferKind.REWARD,
                                   memo=rule.name, at=at)  # fmt: skip
        for p in rng.sample(earners, 2):
            account = accounts[p.pk]
            price = rng.choice([30, 50, 80, 120])
            if account.balance.available >= price:
                key += 1
                ledger.transfer_create(city=city, debit=account, credit=rng.choice(shops), amount=price,
                                       idempotency_key=f"demo-pay-{key}", kind=TransferKind.PAYMENT,
                                       memo="お買いもの (demo)", at=at + timedelta(hours=3))  # fmt: skip
                account.balance.refresh_from_db()
        if day % 30 == 28:
            for shop in shops:
                shop.balance.refresh_from_db()
                if shop.balance.balance:
                    payments.merchant_payout(city=city, actor=staff, merchant_id=shop.pk,
                                             amount=shop.balance.balance,
                                             idempotency_key=f"demo-payout-{day}-{shop.pk}")  # fmt: skip
    ledger.points_expire(city=city)
    # Offers waiting for hana: one to accept, one she may decline; young has not opted in.
    offer = rewards.reward_offer(
        city=city, rule=rules[0], user=hana, actor=staff, note="河原子海岸 清掃"
    )
    rewards.reward_accept(city=city, user=hana, offer_id=offer.pk)
    rewards.reward_offer(
        city=city, rule=rules[3], user=hana, actor=staff, note="未来ワークショップ"
    )
    request = payments.payment_request_create(
        city=city, user=business, amount=60, memo="コーヒー (demo)"
    )
    payments.payment_request_pay(city=city, user=hana, code=request.code)
    for k, p in enumerate(people[:24]):
        r = burden.help_request_create(city=city, actor=staff, person=p, title=rng.choice(RULES)[1],
                                       theme=RULES[k % len(RULES)][4], hours=rng.choice([1, 2, 3]),
                                       month=(now - timedelta(days=35)).date())  # fmt: skip
        burden.help_request_respond(city=city, person=p, request_id=r.pk, accept=k % 6 != 0)
        if k % 6 != 0:
            burden.help_request_complete(city=city, actor=staff, request_id=r.pk)
    burden.help_request_create(city=city, actor=staff, person=hana, title="見守りウォーク",
                               theme="community", hours=2)  # fmt: skip

    # A finished decision with its board, and one open now; the committee is staff, hana and
    # one more resident, 2 of 3 needed. Their key shares are written to var/demo-trustees/,
    # never to the database (a real trustee keeps theirs on their own computer).
    committee = [staff, hana, people[59]]
    finished = decisions.decision_create(
        city=city, actor=staff, title="海岸清掃の日をいつにするか (demo)",
        description="年に一度の大清掃の日を、順位をつけて決めます。", method="schulze",
        options=["4月の第2日曜日", "6月の第1日曜日", "9月の第3日曜日", "11月の第1日曜日"],
        electorate="residents", opens_at=now - timedelta(days=20), closes_at=now + timedelta(hours=1),
        quorum=30, trustees=committee, threshold=2,
    )  # fmt: skip
    key_ceremony(city, finished, committee)
    finished.refresh_from_db()
    options = list(finished.options)
    for p in people[:52]:
        ranking = options[:]
        rng.shuffle(ranking)
        if rng.random() < 0.5:
            ranking.sort(key=lambda o: o != "6月の第1日曜日")
        decisions.ballot_cast(city=city, decision=finished, user=p,
                              ballot={"ranking": ranking[: rng.randint(2, 4)]})  # fmt: skip
    Decision.objects.filter(pk=finished.pk).update(closes_at=now - timedelta(days=1))
    finished.refresh_from_db()
    decisions.decision_tally_prepare(city=city, decision=finished, actor=staff)
    for trustee in committee[:2]:
        trustee_step(city, finished, trustee, "decrypt")
    open_now = decisions.decision_create(
        city=city, actor=staff, title="ひたちBRT 新しいバス停の愛称 (demo)",
        description="いちばん良いと思う名前を一つ選んでください。", method="plurality",
        options=["潮風", "はまなす", "かみね"], electorate="residents",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=14),
        trustees=committee, threshold=2,
    )  # fmt: skip
    key_ceremony(city, open_now, committee)

    # A finished participatory budget with its result.
    pb = budgeting.pb_round_create(
        city=city, actor=staff, title="2026年度 地域づくり市民予算 (demo)",
        description="1,000万円の使い道を、市民の投票で決めます。", budget=10_000_000,
        ballot_type="approval", rule="mes", opens_at=now - timedelta(days=40),
        closes_at=now + timedelta(hours=1), projects=PB_PROJECTS, max_choices=4,
    )  # fmt: skip
    codes = [c for c, _t, _cost in PB_PROJECTS]
    weights = [5, 3, 4, 1, 3, 2, 4, 1]
    for p in people:
        picks = set(rng.choices(codes, weights=weights, k=rng.randint(1, 4)))
        budgeting.pb_ballot_cast(city=city, pb=pb, user=p, choices=dict.fromkeys(picks, 1))
    PbRound.objects.filter(pk=pb.pk).update(closes_at=now - timedelta(days=2))
    pb.refresh_from_db()
    budgeting.pb_round_tally(city=city, actor=staff, pb=pb)


def trustee_secret_path(decision: Decision, user: User) -> Path:
    """Return where the demo keeps a trustee's secret file (outside the database)."""
    return (
        Path(settings.VAR_DIR)
        / "demo-trustees"
        / f"{decision.board_id.replace(':', '_')}-{user.pk}.json"
    )


def trustee_step(city: City, decision: Decision, user: User, step: str) -> None:
    """Run one trustee step as the trustee tool would, and upload its output."""
    decision.refresh_from_db()
    ceremony = ceremony_for(decision, user)
    if ceremony is None:
        raise ValueError(f"{user} is not a trustee of {decision}")
    path = trustee_secret_path(decision, user)
    if step == "announce":
        secret, out = election_trustee.announce(
            ceremony["election_id"], ceremony["index"], ceremony["threshold"]
        )
    else:
        secret = json.loads(path.read_text())
        announcements = {t["index"]: t["announce"] for t in ceremony["trustees"]}
        deals = {t["index"]: t["deal"] for t in ceremony["trustees"] if t["deal"]}
        if step == "deal":
            out = election_trustee.deal(secret, announcements)
        elif step == "confirm":
            out = election_trustee.confirm(secret, announcements, deals, ceremony["threshold"])
        else:
            todo = ceremony["decrypt"]
            out = election_trustee.decrypt(secret, todo["ciphertexts"], todo["positions"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(secret))
    decisions.trustee_submit(city=city, decision=decision, actor=user, step=step, message=out)


def key_ceremony(city: City, decision: Decision, committee: list[User]) -> None:
    """Run the three ceremony steps for every trustee of a demo decision."""
    for step in ("announce", "deal", "confirm"):
        for user in committee:
            trustee_step(city, decision, user, step)
