"""OAuth2 authorisation code flow (with PKCE) for SMART on FHIR apps; tokens are hashed."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services import audit_record
from kyoso.health.models import FhirAccessToken, FhirAuthCode, FhirClientApp, token_hash
from kyoso.health.records import smart_scopes

TOKEN_SECONDS = 3600


class OAuthError(DomainError):
    """An OAuth2 error with its RFC 6749 code (invalid_request, invalid_grant, …)."""


@transaction.atomic
def fhir_client_register(
    *, city: City, actor: User, name: str, redirect_uris: list[str], confidential: bool = True
) -> tuple[FhirClientApp, str]:
    """Return a new client app and its secret (shown once; empty for a public PKCE client)."""
    require_role(actor, city, Role.STAFF)
    if not name.strip():
        raise DomainError(_("Name the app."), field="name")
    uris = [u.strip() for u in redirect_uris if u.strip()]
    if not uris or not all(
        u.startswith(("https://", "http://127.0.0.1", "http://localhost")) for u in uris
    ):
        raise DomainError(_("Redirect URIs must use https (or localhost)."), field="redirect_uris")
    secret = secrets.token_urlsafe(32) if confidential else ""
    app = FhirClientApp.objects.create(
        city=city, name=name.strip()[:80], client_id="kyoso-" + secrets.token_hex(8),
        secret_hash=token_hash(secret) if secret else "", redirect_uris="\n".join(uris), created_by=actor,
    )  # fmt: skip
    audit_record(city=city, actor=actor, action="health.fhir_client_register", obj=app)
    return app, secret


def client_for(client_id: str, redirect_uri: str) -> FhirClientApp:
    app = FhirClientApp.objects.select_related("city").filter(client_id=client_id).first()
    if app is None:
        raise OAuthError("unknown client_id", field="client_id", code="invalid_client")
    if redirect_uri not in app.redirect_uris.splitlines():
        raise OAuthError(
            "redirect_uri is not registered", field="redirect_uri", code="invalid_request"
        )
    return app


def check_scopes(scope: str) -> str:
    try:
        resource_scopes, _others = smart_scopes.parse(scope)
    except ValueError as exc:
        raise OAuthError(str(exc), field="scope", code="invalid_scope") from exc
    if not resource_scopes:
        raise OAuthError("ask for at least one resource scope", field="scope", code="invalid_scope")
    return " ".join(scope.split())


@transaction.atomic
def fhir_code_issue(
    *, app: FhirClientApp, user: User, scope: str, redirect_uri: str, code_challenge: str = ""
) -> str:
    """Return a one-time code after the signed-in person approved the app's scopes."""
    scope = check_scopes(scope)
    if not Membership.objects.filter(city=app.city, user=user).exists():
        raise PermissionDeniedError(_("You have no account in this city."))
    if not app.secret_hash and not code_challenge:
        raise OAuthError(
            "a public client must use PKCE", field="code_challenge", code="invalid_request"
        )
    code = secrets.token_urlsafe(32)
    FhirAuthCode.objects.create(
        city=app.city, client=app, user=user, code_hash=token_hash(code), scopes=scope,
        redirect_uri=redirect_uri, code_challenge=code_challenge,
        expires_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    audit_record(
        city=app.city, actor=user, action="health.fhir_authorize", obj=app, details={"scope": scope}
    )
    return code


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    scope: str
    expires_in: int
    patient: str


@transaction.atomic
def fhir_token_exchange(
    *, client_id: str, client_secret: str, code: str, redirect_uri: str, code_verifier: str = ""
) -> IssuedToken:
    """Return an access token for a valid, unused authorisation code."""
    app = client_for(client_id, redirect_uri)
    if app.secret_hash and not secrets.compare_digest(app.secret_hash, token_hash(client_secret)):
        raise OAuthError(
            "client authentication failed", field="client_secret", code="invalid_client"
        )
    row = (
        FhirAuthCode.objects.select_for_update()
        .filter(code_hash=token_hash(code), client=app)
        .first()
    )
    now = timezone.now()
    if (
        row is None
        or row.used_at is not None
        or row.expires_at < now
        or row.redirect_uri != redirect_uri
    ):
        raise OAuthError("the code is invalid, used or expired", field="code", code="invalid_grant")
    if row.code_challenge:
        digest = (
            base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if not secrets.compare_digest(digest, row.code_challenge):
            raise OAuthError(
                "code_verifier does not match", field="code_verifier", code="invalid_grant"
            )
    row.used_at = now
    row.save(update_fields=["used_at"])
    raw = "kfhir_" + secrets.token_urlsafe(32)
    FhirAccessToken.objects.create(
        city=app.city, client=app, user=row.user, token_hash=token_hash(raw), scopes=row.scopes,
        expires_at=now + timedelta(seconds=TOKEN_SECONDS),
    )  # fmt: skip
    return IssuedToken(raw, row.scopes, TOKEN_SECONDS, str(row.user_id))


def fhir_token_authenticate(raw: str) -> FhirAccessToken | None:
    """Return the live token row for a bearer token, or None."""
    return (
        FhirAccessToken.objects.select_related("user", "city", "client")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now(),
                user__is_active=True)
        .first()
    )  # fmt: skip


def fhir_token_revoke(*, user: User, token_id: int) -> int:
    return FhirAccessToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
