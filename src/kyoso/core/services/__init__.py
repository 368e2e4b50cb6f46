"""Writes of the platform: audit, accounts, roles, consent, notifications, API tokens, uploads."""

from __future__ import annotations

from kyoso.core.services.personal_data import personal_data_access_record
from kyoso.core.services.places import place_save
from kyoso.core.services.platform import (
    ROLES_STAFF_MAY_GRANT,
    SYSTEM_ACTOR_EMAIL,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    audit_record,
    consent_grant,
    consent_revoke,
    email_confirm,
    email_confirmation_send,
    email_confirmation_token,
    membership_grant,
    membership_revoke,
    notification_mark_read,
    notification_send,
    organisation_ensure,
    system_actor,
    upload_store,
    user_sign_up,
    user_update_preferences,
)
from kyoso.core.services.residency import (
    CITY_RULES,
    city_rule_set,
    membership_verify_resident,
)
from kyoso.core.services.themes import STANDARD_THEMES, theme_catalogue_ensure, theme_resolve

__all__ = [
    "CITY_RULES",
    "ROLES_STAFF_MAY_GRANT",
    "STANDARD_THEMES",
    "SYSTEM_ACTOR_EMAIL",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "audit_record",
    "city_rule_set",
    "consent_grant",
    "consent_revoke",
    "email_confirm",
    "email_confirmation_send",
    "email_confirmation_token",
    "membership_grant",
    "membership_revoke",
    "membership_verify_resident",
    "notification_mark_read",
    "notification_send",
    "organisation_ensure",
    "personal_data_access_record",
    "place_save",
    "system_actor",
    "theme_catalogue_ensure",
    "theme_resolve",
    "upload_store",
    "user_sign_up",
    "user_update_preferences",
]
