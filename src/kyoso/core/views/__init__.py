"""Platform pages: home, my page, staff pages (``pages``) and sign-in, 2FA (``accounts``)."""

from __future__ import annotations

from kyoso.core.views.accounts import (
    LoginView,
    PasswordResetView,
    two_factor_setup,
    two_factor_verify,
)
from kyoso.core.views.maps import base_map_geojson, places_json, where_json
from kyoso.core.views.pages import (
    city_home,
    consent_revoke,
    email_confirm,
    email_confirm_resend,
    healthz,
    my_page,
    notices_read,
    platform_home,
    sign_up,
    staff_audit,
    staff_home,
    staff_members,
    text_size,
    token_create,
    token_revoke,
)

__all__ = [
    "LoginView",
    "PasswordResetView",
    "base_map_geojson",
    "city_home",
    "consent_revoke",
    "email_confirm",
    "email_confirm_resend",
    "healthz",
    "my_page",
    "notices_read",
    "places_json",
    "platform_home",
    "sign_up",
    "staff_audit",
    "staff_home",
    "staff_members",
    "text_size",
    "token_create",
    "token_revoke",
    "two_factor_setup",
    "two_factor_verify",
    "where_json",
]
