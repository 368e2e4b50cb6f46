"""The commons start page and the sections it adds to the city home and "my page"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from kyoso.commons.models import Decision, Group, PbRound
from kyoso.commons.selectors.ledger import account_of
from kyoso.core.http import CityRequest
from kyoso.core.models import City


def index(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    now = timezone.now()
    return render(
        request,
        "commons/index.html",
        {
            "groups": Group.objects.filter(city=city).order_by("-created_at")[:4],
            "open_decisions": Decision.objects.filter(
                city=city, opens_at__lte=now, closes_at__gt=now
            )[:4],
            "rounds": PbRound.objects.filter(city=city).order_by("-closes_at")[:3],
        },
    )


def home_section(request: HttpRequest, city: City) -> str | None:
    now = timezone.now()
    decisions = list(Decision.objects.filter(city=city, opens_at__lte=now, closes_at__gt=now)[:3])
    groups = list(Group.objects.filter(city=city).order_by("-created_at")[:3])
    if not decisions and not groups:
        return None
    return render_to_string(
        "commons/_home_section.html",
        {"city": city, "decisions": decisions, "groups": groups},
        request=request,
    )


def mypage_section(request: HttpRequest, city: City) -> str | None:
    if not request.user.is_authenticated:
        return None
    account = account_of(city=city, user=request.user)
    return render_to_string(
        "commons/_mypage_section.html",
        {"city": city, "account": account},
        request=request,
    )
