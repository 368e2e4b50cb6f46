"""The public transparency figures: points issued, redeemed, expired, outstanding; hours given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from kyoso.commons.models import (
    AccountBalance,
    AccountKind,
    HelpRequest,
    HelpStatus,
    OfferStatus,
    RewardOffer,
    Theme,
    Transfer,
    TransferKind,
    TransferStatus,
)
from kyoso.commons.services.burden import DEFAULT_MONTHLY_HOURS_CAP, hours_asked, month_start
from kyoso.core.models import City, User


@dataclass(frozen=True)
class PointsSummary:
    issued: int
    rewarded: int
    paid_to_shops: int
    redeemed: int
    expired: int
    outstanding: int
    treasury: int
    by_theme: list[tuple[str, int, Decimal]]  # theme label, reward points, hours given


def _sum_kind(city: City, kind: str) -> int:
    total = Transfer.objects.filter(
        city=city, kind=kind, two_phase=False, status=TransferStatus.POSTED
    ).aggregate(s=Sum("amount"))["s"]
    return int(total or 0)


def points_summary(city: City) -> PointsSummary:
    """Return the city's points figures and, by theme, reward points and hours given."""
    held = AccountBalance.objects.filter(
        city=city, account__kind__in=[AccountKind.CITIZEN, AccountKind.MERCHANT, AccountKind.GROUP]
    ).aggregate(c=Sum("credits_posted"), d=Sum("debits_posted"))
    treasury = AccountBalance.objects.filter(city=city, account__kind=AccountKind.TREASURY).first()
    points = dict(
        RewardOffer.objects.filter(city=city, status=OfferStatus.ACCEPTED)
        .values("rule__theme")
        .annotate(p=Sum("points"))
        .values_list("rule__theme", "p")
    )
    hours = dict(
        HelpRequest.objects.filter(city=city, status=HelpStatus.DONE)
        .values("theme")
        .annotate(h=Sum("hours"))
        .values_list("theme", "h")
    )
    by_theme = [
        (str(label), int(points.get(code, 0)), hours.get(code) or Decimal(0))
        for code, label in Theme.choices
        if code in points or code in hours
    ]
    return PointsSummary(
        issued=_sum_kind(city, TransferKind.ISSUE),
        rewarded=_sum_kind(city, TransferKind.REWARD),
        paid_to_shops=_sum_kind(city, TransferKind.PAYMENT),
        redeemed=_sum_kind(city, TransferKind.PAYOUT),
        expired=_sum_kind(city, TransferKind.EXPIRY),
        outstanding=int((held["c"] or 0) - (held["d"] or 0)),
        treasury=treasury.balance if treasury else 0,
        by_theme=by_theme,
    )


@dataclass(frozen=True)
class MyHours:
    month: date
    asked: Decimal
    cap: Decimal
    given_total: Decimal


def hours_of(*, city: City, user: User, today: date) -> MyHours:
    """Return the hours asked of the person this month against the cap, and all hours given."""
    given = HelpRequest.objects.filter(city=city, person=user, status=HelpStatus.DONE).aggregate(
        h=Sum("hours")
    )["h"]
    return MyHours(
        month=month_start(today),
        asked=hours_asked(city=city, person=user, month=today),
        cap=Decimal(str(city.rule("commons.monthly_hours_cap", DEFAULT_MONTHLY_HOURS_CAP))),
        given_total=given or Decimal(0),
    )
