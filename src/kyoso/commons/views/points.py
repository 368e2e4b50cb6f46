"""Pages of community points: my points, rewards (public), transparency, paying with a QR code."""

from __future__ import annotations

import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.commons.models import (
    REWARDS_PURPOSE,
    AccountKind,
    HelpRequest,
    OfferStatus,
    RewardOffer,
    RewardRule,
    Theme,
)
from kyoso.commons.selectors import ledger as ledger_selectors
from kyoso.commons.selectors.transparency import hours_of, points_summary
from kyoso.commons.services import burden, payments, rewards
from kyoso.core.access import has_role, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role, User
from kyoso.core.selectors import consent_is_active
from kyoso.core.services import personal_data_access_record


@login_required
def my_points(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city, user = request.city, request.user
    account = ledger_selectors.account_of(city=city, user=user)
    history = Paginator(ledger_selectors.transfers_of(account), 30).get_page(
        request.GET.get("page")
    ) if account else None  # fmt: skip
    return render(
        request,
        "commons/points.html",
        {
            "account": account,
            "balance": account.balance if account else None,
            "lots": ledger_selectors.lots_of(account, city=city) if account else [],
            "history": history,
            "opted_in": consent_is_active(city=city, user=user, purpose=REWARDS_PURPOSE),
            "offers": RewardOffer.objects.filter(
                city=city, user=user, status=OfferStatus.OFFERED
            ).select_related("rule"),
            "hours": hours_of(city=city, user=user, today=timezone.localdate()),
            "help_requests": HelpRequest.objects.filter(city=city, person=user)[:20],
            "is_business": has_role(user, city, Role.BUSINESS),
        },
    )


@login_required
@require_POST
def rewards_opt_in(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    rewards.rewards_opt_in(city=request.city, user=request.user)
    messages.success(request, _("You will now be told when you can receive points."))
    return redirect("commons:points", city_slug=city_slug)


@login_required
@require_POST
def rewards_leave(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    rewards.rewards_leave(city=request.city, user=request.user)
    messages.success(request, _("You have left rewards. No more points will be offered."))
    return redirect("commons:points", city_slug=city_slug)


@login_required
@require_POST
def offer_decide(request: AuthedCityRequest, city_slug: str, offer_id: int) -> HttpResponse:
    if request.POST.get("decision") == "accept":
        t = rewards.reward_accept(city=request.city, user=request.user, offer_id=offer_id)
        messages.success(request, _("%(points)s points were added.") % {"points": t.amount})
    else:
        rewards.reward_decline(city=request.city, user=request.user, offer_id=offer_id)
        messages.success(request, _("You declined this reward. Nothing was paid."))
    return redirect("commons:points", city_slug=city_slug)


@login_required
@require_POST
def help_respond(request: AuthedCityRequest, city_slug: str, request_id: int) -> HttpResponse:
    burden.help_request_respond(
        city=request.city, person=request.user, request_id=request_id,
        accept=request.POST.get("decision") == "accept",
    )  # fmt: skip
    return redirect("commons:points", city_slug=city_slug)


def reward_rules(request: CityRequest, city_slug: str) -> HttpResponse:
    rules = RewardRule.objects.filter(city=request.city, active=True).order_by("theme", "name")
    return render(request, "commons/reward_rules.html", {"rules": rules})


def transparency(request: CityRequest, city_slug: str) -> HttpResponse:
    summary = points_summary(request.city)
    return render(request, "commons/transparency.html", {"summary": summary})


# --- paying with points -----------------------------------------------------------------


@login_required
def payment_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.BUSINESS)
    error = None
    if request.method == "POST":
        try:
            amount = int(request.POST.get("amount", ""))
        except ValueError:
            amount = 0
        try:
            pr = payments.payment_request_create(
                city=city, user=request.user, amount=amount, memo=request.POST.get("memo", "")
            )
        except DomainError as exc:
            error = exc
        else:
            return redirect("commons:payment_show", city_slug=city_slug, code=pr.code)
    merchant = payments.merchant_account_open(city=city, user=request.user)
    return render(
        request,
        "commons/payment_new.html",
        {"error": error, "merchant": merchant, "balance": merchant.balance.balance},
    )


def _request_or_404(request: CityRequest | AuthedCityRequest, code: str):
    pr = ledger_selectors.payment_request_get(city=request.city, code=code)
    if pr is None:
        raise NotFoundError(_("No such payment request."), field="code")
    return pr


@login_required
def payment_show(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    pr = _request_or_404(request, code)
    if pr.created_by_id != request.user.pk:
        raise NotFoundError(_("No such payment request."), field="code")
    url = request.build_absolute_uri(
        reverse("commons:payment_confirm", kwargs={"city_slug": city_slug, "code": code})
    )
    qr = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    return render(request, "commons/payment_show.html", {"pr": pr, "url": url, "qr": qr})


@login_required
def payment_status(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    pr = _request_or_404(request, code)
    if request.user.pk not in (pr.created_by_id, pr.payer_id):
        raise NotFoundError(_("No such payment request."), field="code")
    return render(request, "commons/_payment_status.html", {"pr": pr})


@login_required
def payment_confirm(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    pr = _request_or_404(request, code)
    if request.method == "POST":
        payments.payment_request_pay(city=request.city, user=request.user, code=code)
        messages.success(request, _("Paid. Thank you!"))
        return redirect("commons:payment_receipt", city_slug=city_slug, code=code)
    account = ledger_selectors.account_of(city=request.city, user=request.user)
    return render(
        request,
        "commons/payment_confirm.html",
        {"pr": pr, "balance": account.balance.balance if account else 0,
         "expired": pr.expires_at <= timezone.now()},
    )  # fmt: skip


@login_required
def payment_receipt(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    pr = _request_or_404(request, code)
    if request.user.pk not in (pr.created_by_id, pr.payer_id) or pr.transfer is None:
        raise NotFoundError(_("No such receipt."), field="code")
    return render(request, "commons/payment_receipt.html", {"pr": pr})


# --- staff ------------------------------------------------------------------------------


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@login_required
def staff_points(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city, user = request.city, request.user
    require_role(user, city, Role.STAFF)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "issue":
                rewards.points_issue(city=city, actor=user, amount=_int(request.POST.get("amount")),
                                     memo=request.POST.get("memo", ""),
                                     key=request.POST.get("key") or f"issue:{uuid.uuid4()}")  # fmt: skip
            elif action == "payout":
                payments.merchant_payout(
                    city=city, actor=user, merchant_id=_int(request.POST.get("merchant")),
                    amount=_int(request.POST.get("amount")),
                    idempotency_key=request.POST.get("key") or f"payout:{uuid.uuid4()}",
                )  # fmt: skip
            elif action == "rule":
                rewards.reward_rule_save(
                    city=city, actor=user, code=request.POST.get("code", "").strip()[:40],
                    name=request.POST.get("name", ""), reason=request.POST.get("reason", ""),
                    points=_int(request.POST.get("points")), theme=request.POST.get("theme", ""),
                )  # fmt: skip
            elif action == "offer":
                person = User.objects.filter(
                    email=request.POST.get("email", "").strip().lower()
                ).first()
                rule = RewardRule.objects.filter(
                    city=city, pk=_int(request.POST.get("rule"))
                ).first()
                if person is None or rule is None:
                    raise DomainError(_("Check the e-mail address and the rule."), field="email")
                rewards.reward_offer(city=city, rule=rule, user=person, actor=user,
                                     note=request.POST.get("note", ""))  # fmt: skip
            elif action == "help":
                person = User.objects.filter(
                    email=request.POST.get("email", "").strip().lower()
                ).first()
                if person is None:
                    raise DomainError(_("No one with this e-mail address."), field="email")
                burden.help_request_create(
                    city=city, actor=user, person=person, title=request.POST.get("title", ""),
                    theme=request.POST.get("theme", ""), hours=request.POST.get("hours", ""),
                )  # fmt: skip
            elif action == "expire":
                from kyoso.commons.services.ledger import points_expire, transfers_void_timed_out

                transfers_void_timed_out(city=city)
                points_expire(city=city)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
        return redirect("commons:staff_points", city_slug=city_slug)
    report = ledger_selectors.ledger_verify(city) if request.GET.get("verify") else None
    merchants = list(ledger_selectors.merchants_of(city))
    # A shop's balance is its owner's money: staff seeing it is recorded for the owner to see.
    personal_data_access_record(
        city=city,
        actor=user,
        subject_ids=[m.owner_id for m in merchants if m.owner_id is not None],
        what=_("shop point balances (points staff page)"),
        purpose=_("paying out shops' points"),
    )
    return render(
        request,
        "commons/staff_points.html",
        {
            "merchants": merchants,
            "rules": RewardRule.objects.filter(city=city),
            "themes": Theme.choices,
            "summary": points_summary(city),
            "report": report,
            "treasury_kind": AccountKind.TREASURY,
        },
    )
