"""Pages of secret-ballot decisions: vote, receipt, board, election record and trustee steps."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.commons.algorithms import election_ballot as eb
from kyoso.commons.models import Electorate, Group, Method
from kyoso.commons.selectors import decisions as selectors
from kyoso.commons.services import decisions as services
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.http import AuthedCityRequest, CityRequest


def ballot_from_form(method: str, options: list[str], post: QueryDict) -> dict[str, Any]:
    """Return the ballot payload from the vote form's fields."""
    if method == Method.PLURALITY:
        choice = post.get("choice")
        return {"choice": choice} if choice else {}
    if method == Method.APPROVAL:
        return {"approve": post.getlist("approve")}
    if method in (Method.SCORE, Method.QUADRATIC):
        values = {}
        for i, name in enumerate(options):
            raw = post.get(f"opt-{i}", "").strip()
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise DomainError(_("Give whole numbers."), field="ballot") from None
        key = "scores" if method == Method.SCORE else "votes"
        return {key: {k: v for k, v in values.items() if method == Method.SCORE or v}}
    ranks = []
    for i, name in enumerate(options):
        raw = post.get(f"opt-{i}", "").strip()
        if raw:
            try:
                ranks.append((int(raw), name))
            except ValueError:
                raise DomainError(_("Give whole numbers."), field="ballot") from None
    if len({r for r, _n in ranks}) != len(ranks):
        raise DomainError(_("Give each option a different rank."), field="ballot")
    return {"ranking": [name for _r, name in sorted(ranks)]}


def _decision(request: CityRequest | AuthedCityRequest, decision_id: int):
    decision = selectors.decision_get(city=request.city, pk=decision_id)
    if decision is None:
        raise NotFoundError(_("No such decision."), field="decision")
    return decision


def decision_list(request: CityRequest, city_slug: str) -> HttpResponse:
    return render(
        request,
        "commons/decision_list.html",
        {"decisions": selectors.decisions_of(request.city)[:100], "now": timezone.now()},
    )


def decision_detail(request: CityRequest, city_slug: str, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    now = timezone.now()
    is_open = decision.opens_at <= now < decision.closes_at and bool(decision.public_key)
    user = request.user
    voted = user.is_authenticated and decision.voters.filter(user=user).exists()
    check = selectors.decision_check(decision) if decision.result is not None else None
    trustees = selectors.trustees_of(decision)
    return render(
        request,
        "commons/decision_detail.html",
        {
            "decision": decision,
            "is_open": is_open,
            "may_vote": is_open and not voted and services.may_vote(decision=decision, user=user),  # type: ignore[arg-type]
            "voted": voted,
            "check": check,
            "result": decision.result,
            "ranked": decision.method in eb.RANKED,
            "trustees": trustees,
            "is_trustee": user.is_authenticated and any(t.user_id == user.pk for t in trustees),
            "key_ready": bool(decision.public_key),
            "options": list(enumerate(decision.options)),
            "ranks": range(1, len(decision.options) + 1),
            "scores": range(0, decision.max_score + 1),
        },
    )


@login_required
@require_POST
def decision_vote(request: AuthedCityRequest, city_slug: str, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    ballot = ballot_from_form(decision.method, decision.options, request.POST)
    cast = services.ballot_cast(
        city=request.city, decision=decision, user=request.user, ballot=ballot
    )
    # The plain choices are not kept anywhere; the receipt is the voter's to keep.
    receipt_json = json.dumps(cast.receipt, ensure_ascii=False, indent=1)
    return render(
        request,
        "commons/decision_receipt.html",
        {"decision": decision, "cast": cast, "receipt_json": receipt_json},
    )


def decision_receipt(request: CityRequest, city_slug: str, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    code = request.GET.get("code", "").strip()[:80]
    found = selectors.tracker_find(decision, code) if code else None
    return render(
        request,
        "commons/decision_lookup.html",
        {
            "decision": decision,
            "code": code,
            "where": found[0] if found else "",
            "entry": found[1] if found else None,
            "looked": bool(code),
        },
    )


def decision_board(request: CityRequest, city_slug: str, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    if request.GET.get("format") == "json":
        return decision_record(request, city_slug, decision_id)
    entries = selectors.board_of(decision)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    check = selectors.decision_check(decision) if decision.result is not None else None
    return render(
        request,
        "commons/decision_board.html",
        {"decision": decision, "page": page, "check": check, "result": decision.result},
    )


def decision_record(request: CityRequest, city_slug: str, decision_id: int) -> HttpResponse:
    """The downloadable election record (kyoso-election-record/1)."""
    decision = _decision(request, decision_id)
    response = JsonResponse(
        selectors.election_record(decision), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="election-{decision.pk}.json"'
    return response


@login_required
def decision_trustee(request: AuthedCityRequest, city_slug: str, decision_id: int) -> HttpResponse:
    """A trustee's page: download the ceremony file, upload each step's output."""
    decision = _decision(request, decision_id)
    trustees = selectors.trustees_of(decision)
    me = next((t for t in trustees if t.user_id == request.user.pk), None)
    if me is None:
        raise PermissionDeniedError(_("You are not a trustee of this vote."))
    if request.GET.get("format") == "json":
        response = JsonResponse(selectors.ceremony_for(decision, request.user) or {})
        response["Content-Disposition"] = (
            f'attachment; filename="ceremony-{decision.pk}-{me.index}.json"'
        )
        return response
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "prepare":
                services.decision_tally_prepare(
                    city=request.city, decision=decision, actor=request.user
                )
            else:
                upload = request.FILES.get("file")
                if upload is None or (upload.size or 0) > 5 * 1024 * 1024:
                    raise DomainError(_("Choose the file the trustee tool wrote."), field="file")
                try:
                    message = json.loads(upload.read())
                except (ValueError, UnicodeDecodeError):
                    raise DomainError(_("This file is not JSON."), field="file") from None
                services.trustee_submit(
                    city=request.city, decision=decision, actor=request.user,
                    step=request.POST.get("step", ""), message=message,
                )  # fmt: skip
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(
                "commons:decision_trustee", city_slug=city_slug, decision_id=decision.pk
            )
        decision.refresh_from_db()
        trustees = selectors.trustees_of(decision)
        me = next(t for t in trustees if t.user_id == request.user.pk)
    step = selectors.trustee_next_step(decision, me, trustees)
    return render(
        request,
        "commons/decision_trustee.html",
        {
            "decision": decision,
            "me": me,
            "trustees": trustees,
            "step": step,
            "error": error,
            "closed": timezone.now() >= decision.closes_at,
        },
        status=400 if error else 200,
    )


def _when(value: str) -> datetime:
    moment = parse_datetime(value or "")
    if moment is None:
        raise DomainError(_("Give a date and time."), field="closes_at")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def decision_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    group = None
    group_id = request.GET.get("group") or request.POST.get("group") or ""
    if group_id.isdigit():
        group = Group.objects.filter(city=city, pk=int(group_id)).first()
    error = None
    if request.method == "POST":
        p = request.POST
        try:
            decision = services.decision_create(
                city=city, actor=request.user, title=p.get("title", ""),
                description=p.get("description", ""), method=p.get("method", ""),
                options=p.get("options", "").splitlines(), electorate=p.get("electorate", ""),
                opens_at=_when(p.get("opens_at", "")), closes_at=_when(p.get("closes_at", "")),
                quorum=int(p.get("quorum") or 0), group=group,
                max_score=int(p.get("max_score") or 5), voice_credits=int(p.get("voice_credits") or 100),
            )  # fmt: skip
        except (DomainError, ValueError) as exc:
            error = exc.message if isinstance(exc, DomainError) else _("Check the numbers.")
        else:
            return redirect("commons:decision_detail", city_slug=city_slug, decision_id=decision.pk)
    return render(
        request,
        "commons/decision_new.html",
        {
            "methods": Method.choices,
            "electorates": Electorate.choices,
            "group": group,
            "error": error,
        },
    )
