"""The JSON API at /api/v1/: one NinjaAPI, one router per app, errors mapped in one place."""

from __future__ import annotations

import importlib
import json
import logging

from django.apps import apps
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer, django_auth

from kyoso.core.errors import DomainError
from kyoso.core.services import api_token_authenticate

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """Machines send ``Authorization: Bearer kyoso_…`` with a token made on "my page"."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = api_token_authenticate(token, method=request.method or "GET")
        if user is not None:
            request.user = user
        return user


class LocalSwagger(Swagger):
    """Swagger UI from ninja's own static files (see settings), never from a CDN.

    ninja renders its CDN page unless it is an installed app; Kyoso does not install it, so that
    start-up does not import ninja, and renders the local page itself.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: object) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, dict(kwargs))
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,  # the API accepts the browser's session, so unsafe calls need it
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="Kyoso API",
    version="1",
    description="The open API of Kyoso (共創). Japanese first; times in UTC (ISO 8601).",
    urls_namespace="api",
    # The browser's session (unsafe methods need the CSRF token, as forms do) or a token.
    auth=[TokenAuth(), django_auth],
    docs=LocalSwagger(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = []
    for error in exc.errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "form")
        ]
        detail.append(
            {
                "code": error.get("type", "invalid"),
                "message": error.get("msg", "invalid value"),
                "field": ".".join(loc[1:] if len(loc) > 1 and loc[0] == "payload" else loc),
            }
        )
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": [{"code": "not_found", "message": "Not found."}]}, status=404
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": [{"code": "forbidden", "message": str(exc) or "Forbidden."}]},
        status=403,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": [{"code": "unauthenticated", "message": "Sign in or send an API token."}]},
        status=401,
    )


def bad_body(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """A body that cannot be read as sent (truncated or garbled multipart, no boundary, a
    Content-Length that lies, too many fields) is the client's fault: 400, in JSON."""
    return api.create_response(
        request,
        {"detail": [{"code": "bad_request", "message": "The request body could not be read."}]},
        status=400,
    )


for _exc in (MultiPartParserError, RawPostDataException, UnreadablePostError, SuspiciousOperation):
    api.add_exception_handler(_exc, bad_body)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {"detail": [{"code": "error", "message": str(exc)}]}, status=exc.status_code
    )


def _register_app_routers() -> None:
    """Mount ``kyoso.<app>.api.router`` at ``/api/v1/<app>/`` for every installed Kyoso app."""
    for config in apps.get_app_configs():
        if not config.name.startswith("kyoso."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        router = getattr(module, "router", None)
        if router is not None:
            prefix = "" if config.label == "core" else f"/{config.label}/"
            api.add_router(prefix, router)


_register_app_routers()
