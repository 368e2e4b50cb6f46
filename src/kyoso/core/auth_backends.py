from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from kyoso.core.models import User


class EmailBackend(ModelBackend):
    """Signs people in by e-mail address, case-insensitively."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (kwargs.get("email") or username or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # spend the same time as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """Return the e-mail address a sign-in attempt was for, as axes counts failures by it."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if not value and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()
