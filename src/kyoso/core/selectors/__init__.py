"""Reads of the platform: cities, districts, consent, notifications, audit, members."""

from __future__ import annotations

from kyoso.core.selectors.maps import (
    base_map,
    base_map_forget,
    base_map_key,
    district_at,
    district_sentence,
    gazetteer,
)
from kyoso.core.selectors.platform import (
    audit_events_of,
    cities_list,
    city_get,
    consent_is_active,
    consents_of,
    districts_of,
    home_district,
    member_by_email,
    members_of,
    notifications_of,
    personal_data_accesses_of,
)

__all__ = [
    "audit_events_of",
    "base_map",
    "base_map_forget",
    "base_map_key",
    "cities_list",
    "city_get",
    "consent_is_active",
    "consents_of",
    "district_at",
    "district_sentence",
    "districts_of",
    "gazetteer",
    "home_district",
    "member_by_email",
    "members_of",
    "notifications_of",
    "personal_data_accesses_of",
]
