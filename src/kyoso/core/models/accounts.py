"""People, their per-city roles, and machine tokens for the API."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.organisations import Organisation
from kyoso.core.models.tenancy import City, District


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Send each notice by e-mail")
    DAILY = "daily", _("One e-mail a day with all notices")
    OFF = "off", _("No e-mail; show notices on my page only")


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name shown to others"), max_length=60, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    large_text = models.BooleanField(_("large text"), default=False)
    email_mode = models.CharField(
        _("e-mail for notices"), max_length=12, choices=EmailMode.choices, default=EmailMode.DAILY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # Accounts made by the city, a command or the demo are confirmed when made; an account a
    # person signs up for counts (may take part) only once its owner opens the mailed link.
    email_confirmed_at = models.DateTimeField(
        _("e-mail confirmed at"), null=True, blank=True, default=timezone.now
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password (changed, or reset by e-mail) ends every API token made before it:
        # whoever knew the old password may have made one.
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from django.utils import timezone

            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )

    def age_band(self, year: int) -> str:
        """Return the ten-year age band ('60s', '80+', 'unknown') for statistics."""
        if not self.birth_year:
            return "unknown"
        age = year - self.birth_year
        if age >= 80:
            return "80+"
        if age < 20:
            return "<20"
        return f"{age // 10 * 10}s"


class Role(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    STAFF = "staff", _("city staff")
    BUSINESS = "business", _("business")
    CLINIC = "clinic", _("clinic / care provider")
    OPERATOR = "operator", _("transit operator")
    MODERATOR = "moderator", _("moderator")
    ADMIN = "admin", _("administrator")


class Membership(models.Model):
    """One role of one person in one city; a person may hold several roles."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_resident = models.BooleanField(_("verified resident"), default=False)
    # The organisation this role acts for (a clinic's staff, an operator's dispatcher), if any.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "user", "role"], name="membership_unique_role_per_city"
            )
        ]
        indexes = [models.Index(fields=["city", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.city}"


class TokenScope(models.TextChoices):
    READ = "read", _("read only")
    WRITE = "write", _("read and write")


class ApiToken(models.Model):
    """A bearer token for machines (operators' feeds, sensors); only its hash is stored.

    It expires, may be read-only, is revoked on request and by a new password, and can only be
    made in a session that passed two-step sign-in where the person has it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.WRITE
    )
    expires_at = models.DateTimeField(_("expires at"), null=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
