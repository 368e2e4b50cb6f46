"""API of the commons app at /api/v1/commons/: groups, decisions, budgets and points."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router

from kyoso.commons.models import (
    AccountKind,
    Decision,
    Group,
    GroupRole,
    LedgerAccount,
    PbRound,
    RewardRule,
)
from kyoso.commons.schemas import (
    BalanceOut,
    BallotIn,
    BoardEntryOut,
    DecisionDetailOut,
    DecisionOut,
    GiftIn,
    GroupDetailOut,
    GroupOut,
    JoinIn,
    PaymentRequestIn,
    PaymentRequestOut,
    PbBallotIn,
    PbRoundDetailOut,
    PbRoundOut,
    ReceiptOut,
    RewardRuleOut,
    SummaryOut,
    TrackerOut,
    TransferOut,
)
from kyoso.commons.selectors import decisions as decision_selectors
from kyoso.commons.selectors import groups as group_selectors
from kyoso.commons.selectors import ledger as ledger_selectors
from kyoso.commons.selectors.transparency import points_summary
from kyoso.commons.services import budgeting, decisions, groups, ledger, payments
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get

router = Router(tags=["commons"])
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _user(request: HttpRequest) -> Any:
    return request.user


def _plain(value: str, field: str) -> str:
    """Return the text, refusing NUL characters (PostgreSQL cannot store them)."""
    if "\x00" in value:
        raise DomainError(_("This text contains a character that is not allowed."), field=field)
    return value


# --- groups -------------------------------------------------------------------------------


@router.get("/{city_slug}/groups", response={200: list[GroupOut], 404: ErrorOut}, auth=None)
def list_groups(
    request: HttpRequest,
    city_slug: str,
    theme: str = "",
    district: str = "",
    skill: str = "",
    q: str = "",
) -> Any:
    """Groups of the city, filtered by theme, district code, skill sought or words."""
    city = city_get(city_slug)
    return group_selectors.groups_search(
        city,
        theme=_plain(theme, "theme")[:20],
        district=_plain(district, "district")[:40],
        skill=_plain(skill, "skill")[:40],
        q=_plain(q, "q")[:100],
    )[:200]


def _group(city_slug: str, group_id: int) -> tuple[Any, Group]:
    city = city_get(city_slug)
    group = group_selectors.group_get(city=city, pk=group_id)
    if group is None:
        raise NotFoundError(_("No such group."), field="group_id")
    return city, group


@router.get("/{city_slug}/groups/{group_id}", response={200: GroupDetailOut, **ERRORS}, auth=None)
def get_group(request: HttpRequest, city_slug: str, group_id: int) -> Any:
    _city, group = _group(city_slug, group_id)
    group.member_count = group.members.count()  # type: ignore[attr-defined]
    return group


@router.post("/{city_slug}/groups/{group_id}/members", response={201: dict, **ERRORS})
def join_group(request: HttpRequest, city_slug: str, group_id: int, payload: JoinIn) -> Any:
    city, group = _group(city_slug, group_id)
    role = None
    if payload.role_id is not None:
        role = GroupRole.objects.filter(group=group, pk=payload.role_id).first()
        if role is None:
            raise NotFoundError(_("No such role in this group."), field="role_id")
    member = groups.group_join(city=city, user=_user(request), group=group, role=role)
    return 201, {"group": group.pk, "role": member.role_id}


@router.delete("/{city_slug}/groups/{group_id}/members", response={200: dict, **ERRORS})
def leave_group(request: HttpRequest, city_slug: str, group_id: int) -> Any:
    city, group = _group(city_slug, group_id)
    groups.group_leave(city=city, user=_user(request), group=group)
    return {"left": True}


# --- decisions ----------------------------------------------------------------------------


def _decision(city_slug: str, decision_id: int) -> tuple[Any, Decision]:
    city = city_get(city_slug)
    decision = decision_selectors.decision_get(city=city, pk=decision_id)
    if decision is None:
        raise NotFoundError(_("No such decision."), field="decision_id")
    return city, decision


@router.get("/{city_slug}/decisions", response={200: list[DecisionOut], 404: ErrorOut}, auth=None)
def list_decisions(request: HttpRequest, city_slug: str) -> Any:
    return decision_selectors.decisions_of(city_get(city_slug))[:200]


@router.get(
    "/{city_slug}/decisions/{decision_id}", response={200: DecisionDetailOut, **ERRORS}, auth=None
)
def get_decision(request: HttpRequest, city_slug: str, decision_id: int) -> Any:
    """The decision; once the committee has decrypted it, the checked result."""
    _city, decision = _decision(city_slug, decision_id)
    data = DecisionOut.from_orm(decision).dict()
    if decision.result is not None:
        check = decision_selectors.decision_check(decision)
        r = decision.result
        data["result"] = {
            "board_ok": check.ok,
            "problems": list(check.report.problems),
            "ballots": check.ballots,
            "quorum_met": check.quorum_met,
            "decrypted": True,
            "winners": r["winners"],
            "ranking": r["ranking"],
            "tallies": r["tallies"],
            "tie_break": r["tie_break"],
            "seed": r["seed"],
        }
    return data


@router.get(
    "/{city_slug}/decisions/{decision_id}/record", response={200: dict, **ERRORS}, auth=None
)
def decision_record(request: HttpRequest, city_slug: str, decision_id: int) -> Any:
    """The election record (kyoso-election-record/1): everything needed to verify the vote."""
    _city, decision = _decision(city_slug, decision_id)
    return decision_selectors.election_record(decision)


@router.get(
    "/{city_slug}/decisions/{decision_id}/board",
    response={200: list[BoardEntryOut], **ERRORS},
    auth=None,
)
def decision_board(request: HttpRequest, city_slug: str, decision_id: int) -> Any:
    """Every entry of the public board in order: encrypted ballots and their trackers only."""
    _city, decision = _decision(city_slug, decision_id)
    return [e.__dict__ for e in decision_selectors.board_of(decision)]


@router.get(
    "/{city_slug}/decisions/{decision_id}/trackers/{code}",
    response={200: TrackerOut, **ERRORS},
    auth=None,
)
def tracker_lookup(request: HttpRequest, city_slug: str, decision_id: int, code: str) -> Any:
    _city, decision = _decision(city_slug, decision_id)
    found = decision_selectors.tracker_find(decision, code[:80])
    if found is None:
        raise NotFoundError(_("No ballot with this tracking code was found."), field="code")
    where, entry = found
    return {"status": where, "entry": entry.__dict__ if entry else None}


@router.post("/{city_slug}/decisions/{decision_id}/ballots", response={201: ReceiptOut, **ERRORS})
def cast_ballot(request: HttpRequest, city_slug: str, decision_id: int, payload: BallotIn) -> Any:
    city, decision = _decision(city_slug, decision_id)
    if (payload.ballot is None) == (payload.encrypted is None):
        raise DomainError(_("Give either ballot or encrypted."), field="ballot")
    cast = decisions.ballot_cast(
        city=city, decision=decision, user=_user(request),
        ballot=payload.ballot, encrypted=payload.encrypted,
    )  # fmt: skip
    return 201, {"code": cast.code, "receipt": cast.receipt}


# --- participatory budgets ----------------------------------------------------------------


def _round(city_slug: str, round_id: int) -> tuple[Any, PbRound]:
    city = city_get(city_slug)
    pb = PbRound.objects.filter(city=city, pk=round_id).first()
    if pb is None:
        raise NotFoundError(_("No such participatory budget."), field="round_id")
    return city, pb


@router.get("/{city_slug}/budgets", response={200: list[PbRoundOut], 404: ErrorOut}, auth=None)
def list_budgets(request: HttpRequest, city_slug: str) -> Any:
    return PbRound.objects.filter(city=city_get(city_slug)).order_by("-closes_at")[:100]


@router.get(
    "/{city_slug}/budgets/{round_id}", response={200: PbRoundDetailOut, **ERRORS}, auth=None
)
def get_budget(request: HttpRequest, city_slug: str, round_id: int) -> Any:
    _city, pb = _round(city_slug, round_id)
    pb.projects_list = list(pb.projects.all())  # type: ignore[attr-defined]
    data = PbRoundOut.from_orm(pb).dict()
    data["projects"] = pb.projects_list  # type: ignore[attr-defined]
    return data


@router.put("/{city_slug}/budgets/{round_id}/ballot", response={200: dict, **ERRORS})
def budget_ballot(request: HttpRequest, city_slug: str, round_id: int, payload: PbBallotIn) -> Any:
    city, pb = _round(city_slug, round_id)
    ballot = budgeting.pb_ballot_cast(
        city=city, pb=pb, user=_user(request), choices=payload.choices
    )
    return {"choices": ballot.choices}


@router.get("/{city_slug}/budgets/{round_id}/export.pb", response={200: str, **ERRORS}, auth=None)
def budget_export(request: HttpRequest, city_slug: str, round_id: int) -> Any:
    """The round as a pabulib .pb file."""
    _city, pb = _round(city_slug, round_id)
    return HttpResponse(budgeting.pb_export(pb), content_type="text/plain; charset=utf-8")


# --- points -------------------------------------------------------------------------------


@router.get("/{city_slug}/points/summary", response={200: SummaryOut, 404: ErrorOut}, auth=None)
def points_transparency(request: HttpRequest, city_slug: str) -> Any:
    return points_summary(city_get(city_slug)).__dict__


@router.get(
    "/{city_slug}/points/rules", response={200: list[RewardRuleOut], 404: ErrorOut}, auth=None
)
def reward_rules(request: HttpRequest, city_slug: str) -> Any:
    """What earns points, and why: public."""
    return RewardRule.objects.filter(city=city_get(city_slug), active=True)


@router.get("/{city_slug}/points/balance", response={200: BalanceOut, **ERRORS})
def my_balance(request: HttpRequest, city_slug: str) -> Any:
    account = ledger_selectors.account_of(city=city_get(city_slug), user=_user(request))
    if account is None:
        return {"account_id": None, "balance": 0, "available": 0}
    return {"account_id": account.pk, "balance": account.balance.balance,
            "available": account.balance.available}  # fmt: skip


@router.get("/{city_slug}/points/transfers", response={200: list[TransferOut], **ERRORS})
def my_transfers(request: HttpRequest, city_slug: str) -> Any:
    account = ledger_selectors.account_of(city=city_get(city_slug), user=_user(request))
    return ledger_selectors.transfers_of(account)[:200] if account else []


@router.post("/{city_slug}/points/transfers", response={201: TransferOut, **ERRORS})
def send_points(
    request: HttpRequest,
    city_slug: str,
    payload: GiftIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=80),
) -> Any:
    """Give points to another person or a group; retry with the same key, it pays once."""
    city = city_get(city_slug)
    key = _plain(payload.idempotency_key or idempotency_key or "", "idempotency_key")
    if not key:
        raise DomainError(_("Send an Idempotency-Key header or field."), field="idempotency_key")
    target = LedgerAccount.objects.filter(
        city=city, pk=payload.to_account, kind__in=[AccountKind.CITIZEN, AccountKind.GROUP]
    ).first()
    if target is None:
        raise NotFoundError(_("No such account in this city."), field="to_account")
    source = ledger.account_open(city=city, user=_user(request))
    transfer = ledger.transfer_create(
        city=city, debit=source, credit=target, amount=payload.amount,
        idempotency_key=f"api:{request.user.pk}:{key}", kind="gift", memo=payload.memo,
        actor=_user(request),
    )  # fmt: skip
    return 201, transfer


@router.post("/{city_slug}/points/payment-requests", response={201: PaymentRequestOut, **ERRORS})
def create_payment_request(request: HttpRequest, city_slug: str, payload: PaymentRequestIn) -> Any:
    """A shop asks for points; show the code as a QR of the pay page."""
    city = city_get(city_slug)
    pr = payments.payment_request_create(
        city=city, user=_user(request), amount=payload.amount, memo=payload.memo
    )
    return 201, pr


def _payment(city_slug: str, code: str) -> tuple[Any, Any]:
    city = city_get(city_slug)
    pr = ledger_selectors.payment_request_get(city=city, code=_plain(code, "code")[:40])
    if pr is None:
        raise NotFoundError(_("No such payment request."), field="code")
    return city, pr


@router.get(
    "/{city_slug}/points/payment-requests/{code}", response={200: PaymentRequestOut, **ERRORS}
)
def get_payment_request(request: HttpRequest, city_slug: str, code: str) -> Any:
    _city, pr = _payment(city_slug, code)
    return pr


@router.post(
    "/{city_slug}/points/payment-requests/{code}/pay", response={200: PaymentRequestOut, **ERRORS}
)
def pay_payment_request(request: HttpRequest, city_slug: str, code: str) -> Any:
    """Pay the request from my points; paying again returns the same receipt."""
    city, pr = _payment(city_slug, code)
    return payments.payment_request_pay(city=city, user=_user(request), code=pr.code)
