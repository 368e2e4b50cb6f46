"""Pages of the platform core: the city home, "my page", preferences and staff lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core import selectors, services
from kyoso.core.access import has_role, require_role, require_second_step
from kyoso.core.context_processors import TEXT_COOKIE
from kyoso.core.csv_export import csv_response
from kyoso.core.errors import DomainError
from kyoso.core.forms import PreferencesForm, SignUpForm
from kyoso.core.models import City, Role
from kyoso.core.registry import modules
from kyoso.core.sign_in_throttle import record_sign_up, sign_up_wait


def _city(request: HttpRequest) -> City:
    return request.city  # type: ignore[attr-defined]


def platform_home(request: HttpRequest) -> HttpResponse:
    cities = list(selectors.cities_list())
    if len(cities) == 1:
        return redirect("core:city_home", city_slug=cities[0].slug)
    return render(request, "core/platform_home.html", {"cities": cities})


def city_home(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city(request)
    sections = [s for m in modules() if (s := m.render_home(request, city))]
    return render(
        request,
        "core/city_home.html",
        {"districts": selectors.districts_of(city), "sections": sections},
    )


def sign_up(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city(request)
    form = SignUpForm(request.POST or None, city=city)
    if request.method == "POST":
        wait = sign_up_wait(request)
        if wait:
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Many accounts were made from this connection in the last hour. Please try "
                    "again in %(minutes)d minutes, or ask the city office to make it for you."
                )
                % {"minutes": (wait + 59) // 60},
            )
            response = render(request, "core/sign_up.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                city=city, site_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            record_sign_up(request)
            login(request, user, backend="kyoso.core.auth_backends.EmailBackend")
            messages.success(
                request,
                _(
                    "Welcome! We sent an e-mail to %(email)s. Open the link in it to confirm "
                    "your address; then you can take part."
                )
                % {"email": user.email},
            )
            return redirect("core:my_page", city_slug=city.slug)
    return render(request, "core/sign_up.html", {"form": form})


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the sign-up e-mail: a page with one button, so that mail scanners that
    open links do not confirm anything by themselves."""
    if request.method == "POST":
        user, city = services.email_confirm(token=token)
        messages.success(request, _("Thank you. Your e-mail address is confirmed."))
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("core:my_page", city_slug=city.slug)
        return redirect("core:city_home", city_slug=city.slug)
    return render(request, "core/email_confirm.html", {"token": token})


@login_required
@require_POST
def email_confirm_resend(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city(request)
    user = request.user
    if user.email_confirmed_at is None:  # type: ignore[union-attr]
        # One e-mail a minute at most, whatever the button is pressed for.
        if cache.add(f"kyoso:confirm-resend:{user.pk}", 1, 60):
            services.email_confirmation_send(
                city=city,
                user=user,  # type: ignore[arg-type]
                site_url=request.build_absolute_uri("/"),
            )
        messages.success(request, _("We sent the e-mail again. It may take a few minutes."))
    return redirect("core:my_page", city_slug=city.slug)


@login_required
def my_page(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city(request)
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.user_update_preferences(user=user, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("Your settings were saved."))
            return redirect("core:my_page", city_slug=city.slug)
    else:
        form = PreferencesForm(
            initial={
                "display_name": user.display_name,  # type: ignore[union-attr]
                "large_text": user.large_text,  # type: ignore[union-attr]
                "email_mode": user.email_mode,  # type: ignore[union-attr]
            }
        )
    sections = [s for m in modules() if (s := m.render_mypage(request, city))]
    return render(
        request,
        "core/my_page.html",
        {
            "form": form,
            "notices": selectors.notifications_of(city=city, user=user)[:20],  # type: ignore[arg-type]
            "consents": selectors.consents_of(city=city, user=user),  # type: ignore[arg-type]
            "data_accesses": selectors.personal_data_accesses_of(city=city, user=user)[:50],  # type: ignore[arg-type]
            "tokens": user.api_tokens.filter(revoked_at__isnull=True),  # type: ignore[union-attr]
            "has_totp": user.totpdevice_set.filter(confirmed=True).exists(),  # type: ignore[union-attr]
            "sections": sections,
        },
    )


@login_required
@require_POST
def notices_read(request: HttpRequest, city_slug: str) -> HttpResponse:
    services.notification_mark_read(user=request.user)  # type: ignore[arg-type]
    return redirect("core:my_page", city_slug=city_slug)


@login_required
@require_POST
def consent_revoke(request: HttpRequest, city_slug: str) -> HttpResponse:
    count = services.consent_revoke(
        city=_city(request),
        user=request.user,  # type: ignore[arg-type]
        purpose=request.POST.get("purpose", ""),
        scope=request.POST.get("scope", ""),
    )
    if count:
        messages.success(request, _("Your consent was withdrawn. It takes effect now."))
    return redirect("core:my_page", city_slug=city_slug)


def _int_or(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@login_required
@require_POST
def token_create(request: HttpRequest, city_slug: str) -> HttpResponse:
    try:
        require_second_step(request)
        _token, key = services.api_token_create(
            user=request.user,  # type: ignore[arg-type]
            name=request.POST.get("name", ""),
            scope=request.POST.get("scope", "write"),
            days=_int_or(request.POST.get("days"), 90),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your new API key (shown only once): %(key)s") % {"key": key})
    return redirect("core:my_page", city_slug=city_slug)


@login_required
@require_POST
def token_revoke(request: HttpRequest, city_slug: str, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return redirect("core:my_page", city_slug=city_slug)


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Switch large text on or off; kept in a cookie, and on the account when signed in."""
    large = request.POST.get("size") == "large"
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        TEXT_COOKIE, "large" if large else "normal", max_age=60 * 60 * 24 * 365, samesite="Lax"
    )
    if request.user.is_authenticated:
        services.user_update_preferences(user=request.user, large_text=large)
    return response


@login_required
def staff_home(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city(request)
    require_role(request.user, city, Role.STAFF, Role.MODERATOR)
    return render(request, "core/staff_home.html", {"modules": modules()})


@login_required
def staff_members(request: HttpRequest, city_slug: str) -> HttpResponseBase:
    city = _city(request)
    require_role(request.user, city, Role.STAFF)
    members = selectors.members_of(city, role=request.GET.get("role", ""))
    if request.GET.get("format") == "csv":
        services.personal_data_access_record(
            city=city,
            actor=request.user,  # type: ignore[arg-type]
            subject_ids=members.values_list("user_id", flat=True),
            what=_("e-mail and name (members list, CSV)"),
            purpose=_("city administration"),
        )
        return csv_response(
            f"{city.slug}-members.csv",
            [_("E-mail"), _("Name"), _("Role"), _("District"), _("Joined")],
            (
                (
                    m.user.email,
                    m.user.display_name,
                    m.get_role_display(),
                    m.district or "",
                    m.created_at.date(),
                )
                for m in members.iterator()
            ),
        )
    may_grant = _roles_actor_may_grant(request, city)
    if request.method == "POST":
        _staff_members_change(request, city, may_grant)
        return redirect(request.get_full_path())
    shown = list(members[:500])
    services.personal_data_access_record(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        subject_ids=[m.user_id for m in shown],
        what=_("e-mail and name (members list)"),
        purpose=_("city administration"),
    )
    return render(
        request,
        "core/staff_members.html",
        {
            "members": shown,
            "roles": Role.choices,
            "grantable": [(v, label) for v, label in Role.choices if v in may_grant],
            "may_grant": may_grant,
        },
    )


def _roles_actor_may_grant(request: HttpRequest, city: City) -> frozenset[str]:
    if has_role(request.user, city, Role.ADMIN):
        return frozenset(Role.values)
    return frozenset(services.ROLES_STAFF_MAY_GRANT)


def _staff_members_change(request: HttpRequest, city: City, may_grant: frozenset[str]) -> None:
    """Give a role to a person of the city by e-mail, or take one away (the service checks)."""
    email = str(request.POST.get("email", "")).strip().lower()
    role = str(request.POST.get("role", ""))
    person = selectors.member_by_email(city, email)
    if person is None:
        messages.error(request, _("No one with this e-mail address is registered in this city."))
        return
    try:
        if request.POST.get("action") == "revoke":
            services.membership_revoke(city=city, user=person, role=role, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, _("The role was taken away."))
        else:
            services.membership_grant(city=city, user=person, role=role, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, _("The role was given."))
    except DomainError as exc:
        messages.error(request, exc.message)


@login_required
def staff_audit(request: HttpRequest, city_slug: str) -> HttpResponseBase:
    city = _city(request)
    require_role(request.user, city, Role.STAFF, Role.MODERATOR)
    events = selectors.audit_events_of(city, object_type=request.GET.get("type", ""))
    if request.GET.get("format") == "csv":
        _record_audit_read(request, city, events, _("your actions in the audit log (CSV)"))
        return csv_response(
            f"{city.slug}-audit.csv",
            [
                _("Time"),
                _("Who"),
                _("On behalf of"),
                _("Action"),
                _("Object type"),
                _("Object id"),
                _("Object"),
            ],
            (
                (
                    e.at.isoformat(),
                    e.actor or "",
                    e.on_behalf_of or "",
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                )
                for e in events.iterator()
            ),
        )
    shown = list(events[:200])
    _record_audit_read(request, city, shown, _("your actions in the audit log"))
    return render(request, "core/staff_audit.html", {"events": shown})


def _record_audit_read(request: HttpRequest, city: City, events: Iterable[Any], what: str) -> None:
    """The audit log names people: reading it is itself recorded for each person named."""
    people: set[int] = set()
    for actor_id, behalf_id in (
        events.values_list("actor_id", "on_behalf_of_id")
        if hasattr(events, "values_list")
        else ((e.actor_id, e.on_behalf_of_id) for e in events)
    ):
        people.update(pk for pk in (actor_id, behalf_id) if pk is not None)
    services.personal_data_access_record(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        subject_ids=people,
        what=what,
        purpose=_("oversight of the platform"),
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
