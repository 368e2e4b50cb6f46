"""Request plumbing: the city from the URL, and domain errors turned into 4xx pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from kyoso.core.access import has_second_step_device, needs_second_step
from kyoso.core.errors import DomainError
from kyoso.core.selectors import city_get


class CityMiddleware:
    """Sets ``request.city`` for every URL under ``/<city_slug>/``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.city = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        slug = view_kwargs.get("city_slug")
        if slug:
            request.city = city_get(slug)  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return render(
                request,
                "core/error.html",
                {"error": exception, "city": getattr(request, "city", None)},
                status=exception.status,
            )
        return None


TEXT_BODY_TYPES = frozenset({"application/json", "application/x-www-form-urlencoded", "text/plain"})


class RejectNulMiddleware:
    """Refuses requests carrying NUL characters, which PostgreSQL cannot store, with a 400.

    Checked once here so that no app can turn such input into a server error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        body = b""
        content_type = request.content_type or ""
        # Only text bodies are checked: binary uploads (protobuf feeds, zips) carry NUL bytes.
        if request.method in {"POST", "PUT", "PATCH"} and content_type in TEXT_BODY_TYPES:
            body = request.body
        if (
            "\x00" in request.path
            or "%00" in query
            or "\x00" in query
            or b"\x00" in body
            or b"\\u0000" in body
            or (
                body
                and request.content_type == "application/x-www-form-urlencoded"
                and b"%00" in body
            )
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": [{"code": "invalid", "message": "NUL characters are not allowed."}]},
                    status=400,
                )
            # A person filling in a form gets a page in their language that says what to fix.
            referer = request.META.get("HTTP_REFERER", "")
            back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else ""
            return render(
                request,
                "400.html",
                {
                    "message": _(
                        "What you sent contains a character that cannot be used (a NUL "
                        "character, often copied from another program). Go back, delete it "
                        "and send again."
                    ),
                    "back_url": back,
                },
                status=400,
            )
        return self.get_response(request)


# Paths a signed-in person must reach before the second step: signing in and out, setting the
# step up, the static files those pages use, and the probes of the service itself.
SECOND_STEP_EXEMPT = ("/accounts/", "/static/", "/healthz", "/prefs/", "/i18n/")
SECOND_STEP_EXEMPT_EXACT = frozenset({"/favicon.ico", "/robots.txt"})


class SecondStepMiddleware:
    """Lets an account that must use two-step sign-in go nowhere until its session has.

    A privileged account without an authenticator is sent to set one up; one whose session
    skipped the code (a session from before the rule) is signed out and asked to sign in
    again. The API answers 403 with ``second_step_required`` instead of redirecting.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if (
            not user.is_authenticated
            or user.is_verified()  # type: ignore[attr-defined]
            or path.startswith(SECOND_STEP_EXEMPT)
            or path in SECOND_STEP_EXEMPT_EXACT
            or not needs_second_step(user)
        ):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": [
                        {
                            "code": "second_step_required",
                            "message": "This account must sign in with two-step sign-in.",
                        }
                    ]
                },
                status=403,
            )
        next_query = urlencode({"next": request.get_full_path()})
        if has_second_step_device(user):
            logout(request)
            return redirect(f"{reverse('core:login')}?{next_query}")
        return redirect(f"{reverse('core:two_factor_setup')}?{next_query}")
