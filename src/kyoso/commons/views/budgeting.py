"""Pages of participatory budgeting: rounds, ballots, results, pabulib import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.commons.models import BallotType, PbBallot, PbRound
from kyoso.commons.services import budgeting as services
from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role


def _round(request: CityRequest | AuthedCityRequest, round_id: int) -> PbRound:
    pb = PbRound.objects.filter(city=request.city, pk=round_id).first()
    if pb is None:
        raise NotFoundError(_("No such participatory budget."), field="round")
    return pb


def pb_list(request: CityRequest, city_slug: str) -> HttpResponse:
    rounds = PbRound.objects.filter(city=request.city).order_by("-closes_at")[:50]
    return render(request, "commons/pb_list.html", {"rounds": rounds, "now": timezone.now(),
                                                     "is_staff": is_staff(request.user, request.city)})  # fmt: skip


def pb_detail(request: CityRequest, city_slug: str, round_id: int) -> HttpResponse:
    pb = _round(request, round_id)
    now = timezone.now()
    mine = (
        PbBallot.objects.filter(round=pb, voter=request.user).first()
        if request.user.is_authenticated
        else None
    )
    result = pb.result or {}
    selected = set(result.get("selected", []))
    projects = [
        (
            p,
            result.get("votes", {}).get(p.code),
            p.code in selected,
            (mine.choices if mine else {}).get(p.code, 0),
        )
        for p in pb.projects.all()
    ]
    return render(
        request,
        "commons/pb_detail.html",
        {"pb": pb, "projects": projects, "is_open": pb.opens_at <= now < pb.closes_at,
         "mine": mine, "result": result, "cumulative": pb.ballot_type == BallotType.CUMULATIVE,
         "is_staff": is_staff(request.user, request.city), "closed": now >= pb.closes_at},
    )  # fmt: skip


@login_required
@require_POST
def pb_vote(request: AuthedCityRequest, city_slug: str, round_id: int) -> HttpResponse:
    pb = _round(request, round_id)
    if pb.ballot_type == BallotType.APPROVAL:
        choices = dict.fromkeys(request.POST.getlist("project"), 1)
    else:
        choices = {}
        for key in request.POST:
            value = request.POST.get(key, "").strip()
            if key.startswith("points-") and value:
                try:
                    choices[key.removeprefix("points-")] = int(value)
                except ValueError:
                    raise DomainError(_("Give whole numbers."), field="choices") from None
    services.pb_ballot_cast(city=request.city, pb=pb, user=request.user, choices=choices)
    messages.success(request, _("Your ballot was saved. You can change it until the round closes."))
    return redirect("commons:pb_detail", city_slug=city_slug, round_id=pb.pk)


@login_required
@require_POST
def pb_tally(request: AuthedCityRequest, city_slug: str, round_id: int) -> HttpResponse:
    pb = _round(request, round_id)
    services.pb_round_tally(city=request.city, actor=request.user, pb=pb)
    return redirect("commons:pb_detail", city_slug=city_slug, round_id=pb.pk)


def pb_export(request: CityRequest, city_slug: str, round_id: int) -> HttpResponse:
    pb = _round(request, round_id)
    response = HttpResponse(services.pb_export(pb), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{city_slug}-pb-{pb.pk}.pb"'
    return response


@login_required
def pb_import(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    require_role(request.user, request.city, Role.STAFF)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None or upload.size is None or upload.size > 20 * 1024 * 1024:
                raise DomainError(_("Choose a .pb file of at most 20 MB."), field="file")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise DomainError(_("The file must be UTF-8 text."), field="file") from exc
            pb = services.pb_import(city=request.city, actor=request.user, text=text,
                                    title=request.POST.get("title", ""))  # fmt: skip
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("commons:pb_detail", city_slug=city_slug, round_id=pb.pk)
    return render(request, "commons/pb_import.html", {"error": error})
