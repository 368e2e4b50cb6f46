"""The voice start page, the staff listening dashboard, and sections for home and "my page"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import City, Role
from kyoso.voice.models import Appeal, Comment, Conversation, Workshop
from kyoso.voice.selectors import proposals as proposal_selectors
from kyoso.voice.selectors import reports as report_selectors
from kyoso.voice.selectors.dashboard import listening_dashboard
from kyoso.voice.themes import THEMES


def index(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    return render(
        request,
        "voice/index.html",
        {
            "proposals": proposal_selectors.proposals_list(city, sort="supports")[:5],
            "conversations": Conversation.objects.filter(city=city, is_open=True).order_by(
                "-created_at"
            )[:3],
            "workshops": Workshop.objects.filter(city=city, ends_at__gte=timezone.now()).order_by(
                "starts_at"
            )[:3],
        },
    )


@login_required
def dashboard(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    data = listening_dashboard(city)
    names = {t.code: t.name_ja for t in THEMES} | {"": _("No theme")}
    theme_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "top": 60, "bottom": 30},
        "xAxis": {"type": "category", "data": data.months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": names.get(code, code), "type": "bar", "stack": "all", "data": counts}
            for code, counts in data.by_theme.items()
        ],
    }
    theme_rows = [[names.get(code, code), *counts] for code, counts in data.by_theme.items()]
    district_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 80, "right": 10, "top": 40, "bottom": 30},
        "yAxis": {"type": "category", "data": [d[0] for d in data.by_district][:15][::-1]},
        "xAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": _("Proposals"),
                "type": "bar",
                "stack": "all",
                "data": [d[1] for d in data.by_district][:15][::-1],
            },
            {
                "name": _("Reports"),
                "type": "bar",
                "stack": "all",
                "data": [d[2] for d in data.by_district][:15][::-1],
            },
        ],
    }
    age_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "top": 60, "bottom": 30},
        "xAxis": {"type": "category", "data": data.months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": band, "type": "bar", "stack": "all", "data": counts}
            for band, counts in data.by_age_month.items()
        ],
    }
    return render(
        request,
        "voice/dashboard.html",
        {
            "data": data,
            "theme_chart": theme_chart,
            "theme_header": [_("Theme"), *data.months],
            "theme_rows": theme_rows,
            "district_chart": district_chart,
            "district_header": [_("District"), _("Proposals"), _("Reports")],
            "district_rows": [list(d) for d in data.by_district],
            "age_header": [_("Age"), *data.months],
            "age_chart": age_chart,
            "age_rows": [[band, *counts] for band, counts in data.by_age_month.items()],
        },
    )


def home_section(request: HttpRequest, city: City) -> str | None:
    proposals = list(proposal_selectors.proposals_list(city, sort="supports")[:3])
    conversation = (
        Conversation.objects.filter(city=city, is_open=True).order_by("-created_at").first()
    )
    if not proposals and conversation is None:
        return None
    return render_to_string(
        "voice/_home_section.html",
        {"proposals": proposals, "conversation": conversation, "city": city},
        request=request,
    )


def mypage_section(request: HttpRequest, city: City) -> str | None:
    user = request.user
    if not user.is_authenticated:
        return None
    reports = list(report_selectors.reports_of(city, user)[:10])
    proposals = list(proposal_selectors.proposals_of(city, user)[:10])
    hidden_comments = list(Comment.objects.filter(city=city, author=user, is_hidden=True)[:10])
    appeals = list(Appeal.objects.filter(city=city, author=user)[:10])
    if not (reports or proposals or hidden_comments):
        return None
    return render_to_string(
        "voice/_mypage_section.html",
        {
            "reports": reports,
            "proposals": proposals,
            "hidden_comments": hidden_comments,
            "appeals": appeals,
            "city": city,
        },
        request=request,
    )
