"""OAuth2 endpoints for SMART apps: the person approves scopes, the app swaps a code for a token."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kyoso.core.errors import DomainError
from kyoso.core.models import User
from kyoso.health.records import smart_scopes
from kyoso.health.services import oauth


def _oauth_error(exc: DomainError, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": exc.code, "error_description": exc.message, "field": exc.field}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Show the app, the person and the scopes asked for; on approval redirect with a code."""
    params = request.POST if request.method == "POST" else request.GET
    if params.get("response_type", "code") != "code":
        return _oauth_error(
            oauth.OAuthError(
                "response_type must be code",
                field="response_type",
                code="unsupported_response_type",
            )
        )
    try:
        app = oauth.client_for(params.get("client_id", ""), params.get("redirect_uri", ""))
        scope = oauth.check_scopes(params.get("scope", ""))
    except DomainError as exc:
        return _oauth_error(exc)
    if params.get("code_challenge") and params.get("code_challenge_method", "S256") != "S256":
        return _oauth_error(
            oauth.OAuthError(
                "only S256 is supported", field="code_challenge_method", code="invalid_request"
            )
        )
    redirect_uri = params["redirect_uri"]
    state = params.get("state", "")
    if request.method == "POST":
        if params.get("decision") != "allow":
            return HttpResponseRedirect(
                f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}"
            )
        user: User = request.user  # type: ignore[assignment]
        try:
            code = oauth.fhir_code_issue(
                app=app, user=user, scope=scope, redirect_uri=redirect_uri,
                code_challenge=params.get("code_challenge", ""),
            )  # fmt: skip
        except DomainError as exc:
            return _oauth_error(exc, 403 if exc.status == 403 else 400)
        return HttpResponseRedirect(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")
    resource_scopes, _others = smart_scopes.parse(scope)
    return render(
        request,
        "health/oauth_authorize.html",
        {
            "app": app,
            "scopes": resource_scopes,
            "params": {k: params.get(k, "") for k in (
                "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "response_type")},
            "title": _("Allow an app to use your health record"),
        },
    )  # fmt: skip


@csrf_exempt
@require_http_methods(["POST"])
def token(request: HttpRequest) -> HttpResponse:
    """Exchange an authorisation code for a bearer token (RFC 6749 §4.1.3, PKCE RFC 7636)."""
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error(
            oauth.OAuthError(
                "grant_type must be authorization_code",
                field="grant_type",
                code="unsupported_grant_type",
            )
        )
    client_id = request.POST.get("client_id", "")
    client_secret = request.POST.get("client_secret", "")
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("basic "):
        import base64
        import binascii

        try:
            client_id, _sep, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _oauth_error(
                oauth.OAuthError("bad Basic credentials", field="client_id", code="invalid_client"),
                401,
            )
    try:
        issued = oauth.fhir_token_exchange(
            client_id=client_id, client_secret=client_secret, code=request.POST.get("code", ""),
            redirect_uri=request.POST.get("redirect_uri", ""), code_verifier=request.POST.get("code_verifier", ""),
        )  # fmt: skip
    except DomainError as exc:
        return _oauth_error(exc, 401 if exc.code == "invalid_client" else 400)
    response = JsonResponse({
        "access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in,
        "scope": issued.scope, "patient": issued.patient,
    })  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response
