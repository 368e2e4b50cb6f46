"""Writes of the platform core: accounts, roles, consent, audit, notices, tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import (
    SYSTEM_ACTOR_EMAIL,
    has_role,
    has_second_step_device,
    is_system_actor,
    needs_second_step,
)
from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import (
    ApiToken,
    AuditEvent,
    City,
    Consent,
    District,
    EmailMode,
    Membership,
    Notification,
    Organisation,
    OrganisationKind,
    Role,
    TokenScope,
    Upload,
    User,
)


def audit_record(
    *,
    city: City | None,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
    on_behalf_of: User | None = None,
) -> AuditEvent:
    """Return a new audit record of ``actor`` doing ``action`` to ``obj``."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        city=city,
        actor=actor if actor is not None and actor.is_authenticated else None,
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        details=details or {},
    )


@transaction.atomic
def user_sign_up(
    *,
    city: City,
    email: str,
    password: str,
    display_name: str = "",
    birth_year: int | None = None,
    district: District | None = None,
    site_url: str = "",
) -> User:
    """Return a new citizen account of the city, after checking e-mail and password.

    The account may take part only once its owner opens the link mailed to the address
    (``site_url``, such as ``https://kyoso.example.jp/``, starts the link; settings.KYOSO_SITE_URL
    when empty).
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid e-mail address."), field="email") from exc
    if User.objects.filter(email=email).exists():
        raise ConflictError(_("An account with this e-mail address already exists."), field="email")
    try:
        validate_password(password, User(email=email, display_name=display_name))
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        raise DomainError(
            _("Enter a year of birth between 120 years ago and now."), field="birth_year"
        )
    if district is not None and district.city_id != city.pk:
        raise DomainError(_("This district is not in this city."), field="district")
    user = User.objects.create_user(
        email,
        password,
        display_name=display_name.strip(),
        birth_year=birth_year,
        email_confirmed_at=None,  # counts once the owner opens the mailed link
    )
    Membership.objects.create(city=city, user=user, role=Role.CITIZEN, district=district)
    audit_record(city=city, actor=user, action="account.sign_up", obj=user)
    transaction.on_commit(lambda: email_confirmation_send(city=city, user=user, site_url=site_url))
    return user


EMAIL_CONFIRM_SALT = "kyoso.core.email-confirm"
EMAIL_CONFIRM_DAYS = 7


def email_confirmation_token(*, city: City, user: User) -> str:
    """Return a signed token that confirms this address of this account (valid a week)."""
    return signing.dumps({"u": user.pk, "e": user.email, "c": city.slug}, salt=EMAIL_CONFIRM_SALT)


def email_confirmation_send(*, city: City, user: User, site_url: str = "") -> None:
    """Queue the e-mail with the link that confirms the account's address."""
    from django.template import loader
    from django.urls import reverse

    from kyoso.core.tasks import send_email_task

    path = reverse("core:email_confirm", args=[email_confirmation_token(city=city, user=user)])
    context = {
        "city": city,
        "user": user,
        "url": (site_url or settings.KYOSO_SITE_URL).rstrip("/") + path,
    }
    subject = loader.render_to_string("core/email/confirm_subject.txt", context).strip()
    body = loader.render_to_string("core/email/confirm.txt", context)
    send_email_task.enqueue(subject, body, [user.email])


@transaction.atomic
def email_confirm(*, token: str) -> tuple[User, City]:
    """Confirm the address the token was made for and return the account and its city.

    Raises DomainError if the token is forged, older than a week, or made for an address the
    account no longer has. Confirming twice is harmless.
    """
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=EMAIL_CONFIRM_DAYS * 86400)
    except signing.SignatureExpired as exc:
        raise DomainError(_("This link is too old. Sign in and ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise DomainError(
            _("This link is not valid. Copy the whole link from the e-mail.")
        ) from exc
    user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    city = City.objects.filter(slug=data.get("c")).first()
    if user is None or city is None or user.email != data.get("e"):
        raise DomainError(_("This link is not valid. Copy the whole link from the e-mail."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        audit_record(city=city, actor=user, action="account.email_confirmed", obj=user)
    return user, city


ROLES_STAFF_MAY_GRANT = frozenset({Role.CITIZEN, Role.BUSINESS, Role.OPERATOR})


def system_actor() -> User:
    """Return the named account that actions of commands and schedules are recorded under.

    It cannot sign in (inactive, no usable password), so it acts only through code that runs
    on the server; every audit record of such an action names it instead of nobody.
    """
    user = User.objects.filter(email=SYSTEM_ACTOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            SYSTEM_ACTOR_EMAIL, None, display_name="Kyoso (system)", is_active=False
        )
    return user


def _require_role_granter(city: City, actor: User | None, role: str) -> None:
    if is_system_actor(actor):
        return
    if actor is not None and has_role(actor, city, Role.ADMIN):
        return
    if actor is not None and role in ROLES_STAFF_MAY_GRANT and has_role(actor, city, Role.STAFF):
        return
    raise PermissionDeniedError(_("Only the city's administrators can give or take this role."))


@transaction.atomic
def membership_grant(
    *,
    city: City,
    user: User,
    role: str,
    actor: User | None,
    district: District | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    """Return the membership giving ``user`` the ``role`` in ``city`` (created if missing).

    The city's administrators grant any role; its staff grant only roles that see no one
    else's data (citizen, business, operator); the system actor (commands) grants any.
    """
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    if organisation is not None and organisation.city_id != city.pk:
        raise DomainError(_("The organisation belongs to another city."), field="organisation")
    _require_role_granter(city, actor, role)
    membership, created = Membership.objects.get_or_create(
        city=city,
        user=user,
        role=role,
        defaults={"district": district, "organisation": organisation},
    )
    if not created and organisation is not None and membership.organisation_id != organisation.pk:
        membership.organisation = organisation
        membership.save(update_fields=["organisation"])
    if created:
        audit_record(city=city, actor=actor, action="membership.grant", obj=membership)
        if hasattr(user, "_kyoso_roles"):
            del user._kyoso_roles
    return membership


@transaction.atomic
def organisation_ensure(
    *, city: City, code: str, name_ja: str, kind: str, name_en: str = "", is_demo: bool = False
) -> Organisation:
    """Return the city's organisation with this code, creating or renaming it."""
    if kind not in OrganisationKind.values:
        raise DomainError(_("Unknown kind of organisation."), field="kind")
    org, _created = Organisation.objects.update_or_create(
        city=city,
        code=code,
        defaults={"name_ja": name_ja, "name_en": name_en, "kind": kind, "is_demo": is_demo},
    )
    return org


@transaction.atomic
def membership_revoke(*, city: City, user: User, role: str, actor: User) -> None:
    """Remove the role from the user in the city; nothing happens if they did not hold it.

    Who may take a role away is who may give it (see ``membership_grant``).
    """
    _require_role_granter(city, actor, role)
    if role == Role.ADMIN and user.pk == actor.pk:
        raise DomainError(_("You cannot remove your own administrator role."), field="role")
    deleted, _count = Membership.objects.filter(city=city, user=user, role=role).delete()
    if deleted:
        audit_record(
            city=city,
            actor=actor,
            action="membership.revoke",
            obj=user,
            details={"role": role},
        )


@transaction.atomic
def consent_grant(
    *,
    city: City,
    user: User,
    purpose: str,
    scope: str = "",
    recorded_by: User | None = None,
    text_version: str = "1",
) -> Consent:
    """Return the active consent for the purpose and scope, recording it if it is new."""
    if not purpose:
        raise DomainError(_("A consent needs a purpose."), field="purpose")
    if not Membership.objects.filter(city=city, user=user).exists():
        raise PermissionDeniedError(_("Register in this city to take part."))
    existing = Consent.objects.filter(
        city=city, user=user, purpose=purpose, scope=scope, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                city=city,
                user=user,
                purpose=purpose,
                scope=scope,
                granted_at=timezone.now(),
                recorded_by=recorded_by,
                text_version=text_version,
            )
    except IntegrityError:
        # A concurrent request granted the same consent first; theirs is the one that counts.
        return Consent.objects.get(
            city=city, user=user, purpose=purpose, scope=scope, revoked_at__isnull=True
        )
    audit_record(
        city=city,
        actor=recorded_by or user,
        on_behalf_of=user if recorded_by else None,
        action="consent.grant",
        obj=consent,
        details={"purpose": purpose, "scope": scope},
    )
    return consent


@transaction.atomic
def consent_revoke(
    *, city: City, user: User, purpose: str, scope: str = "", recorded_by: User | None = None
) -> int:
    """Return how many live consents were revoked; revocation takes effect immediately."""
    now = timezone.now()
    consents = list(
        Consent.objects.select_for_update().filter(
            city=city, user=user, purpose=purpose, scope=scope, revoked_at__isnull=True
        )
    )
    for consent in consents:
        consent.revoked_at = now
        consent.save(update_fields=["revoked_at"])
        audit_record(
            city=city,
            actor=recorded_by or user,
            on_behalf_of=user if recorded_by else None,
            action="consent.revoke",
            obj=consent,
            details={"purpose": purpose, "scope": scope},
        )
    return len(consents)


def notification_send(
    *, city: City, user: User, kind: str, title: str, body: str = "", url: str = ""
) -> Notification:
    """Return a new in-app notice; e-mail follows by the person's own setting."""
    notice = Notification.objects.create(
        city=city, user=user, kind=kind, title=title[:200], body=body, url=url
    )
    if user.email_mode == EmailMode.IMMEDIATE:
        from kyoso.core.tasks import email_notification_task

        transaction.on_commit(lambda: email_notification_task.enqueue(notice.pk))
    return notice


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Return how many of the user's notices were marked read (one, or all when no id)."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    return notices.update(read_at=timezone.now())


def api_token_create(
    *, user: User, name: str, scope: str = TokenScope.WRITE, days: int = 90
) -> tuple[ApiToken, str]:
    """Return a new API token and its secret key, which is shown once and never stored.

    It lasts ``days`` (1–365) and, with scope "read", only reads.
    """
    if not name.strip():
        raise DomainError(_("Give the token a name."), field="name")
    if scope not in TokenScope.values:
        raise DomainError(_("Choose read only, or read and write."), field="scope")
    if not 1 <= days <= 365:
        raise DomainError(_("A token lasts from 1 to 365 days."), field="days")
    key = "kyoso_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:80],
        prefix=key[:12],
        key_hash=ApiToken.hash_key(key),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's tokens at once."""
    updated = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFoundError(_("No such token."), field="token_id")


def api_token_authenticate(key: str, *, method: str = "GET") -> User | None:
    """Return the active user owning the token key, or None if the token is unknown, revoked,
    expired, or read-only and ``method`` would write."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=ApiToken.hash_key(key),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.scope == TokenScope.READ and method.upper() not in {"GET", "HEAD", "OPTIONS"}:
        return None
    if needs_second_step(token.user) and not has_second_step_device(token.user):
        # A token made before the account had to use two-step sign-in cannot outlive that rule.
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_update_preferences(
    *,
    user: User,
    display_name: str | None = None,
    large_text: bool | None = None,
    email_mode: str | None = None,
) -> User:
    """Return the user after saving the preferences that were given."""
    fields: list[str] = []
    if display_name is not None:
        user.display_name = display_name.strip()[:60]
        fields.append("display_name")
    if large_text is not None:
        user.large_text = large_text
        fields.append("large_text")
    if email_mode is not None:
        if email_mode not in EmailMode.values:
            raise DomainError(_("Choose how notices are e-mailed."), field="email_mode")
        user.email_mode = email_mode
        fields.append("email_mode")
    if fields:
        user.save(update_fields=fields)
    return user


def upload_store(
    *,
    city: City,
    owner: User | None,
    kind: str,
    name: str,
    data: bytes,
    max_bytes: int | None = None,
) -> Upload:
    """Return a stored upload after checking its size and real type (field ``file`` on error)."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from kyoso.core.file_checks import CHECKS, FileCheckError

    limit = max_bytes or settings.KYOSO_MAX_UPLOAD_BYTES
    if kind not in CHECKS:
        raise DomainError(_("This kind of file is not accepted here."), field="file")
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    if len(data) > limit:
        raise DomainError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    try:
        checked = CHECKS[kind](data)
    except FileCheckError as exc:
        raise DomainError(str(exc), field="file") from exc
    digest = hashlib.sha256(checked.content).hexdigest()
    upload = Upload(
        city=city,
        owner=owner,
        kind=kind,
        original_name=name[:200] or "upload",
        content_type=checked.content_type,
        extension=checked.extension,
        size=len(checked.content),
        sha256=digest,
    )
    upload.file.save(f"{digest}{checked.extension}", ContentFile(checked.content), save=False)
    upload.save()
    return upload
