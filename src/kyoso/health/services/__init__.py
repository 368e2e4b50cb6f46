"""Writes of the health app; every read of someone else's data is logged for the person."""

from kyoso.health.services.access import Viewer, patient_get, proxy_is_active, viewer_for
from kyoso.health.services.booking import (
    appointment_book,
    appointment_cancel,
    calendar_of,
    reminders_send,
    schedule_save,
    visit_agree,
    visit_identity_check,
    visit_party,
    visit_ready,
    visit_signal_send,
)
from kyoso.health.services.providers import (
    care_provider_ensure,
    care_staff_ensure,
    health_profile_set,
)
from kyoso.health.services.records import (
    ImportResult,
    bundle_import,
    care_note_add,
    device_csv_import,
    entry_create,
    entry_read,
    expired_entries_purge,
    payloads_rotate,
    record_delete_all,
    record_export_bundle,
    record_export_csv,
    record_read,
    vitals_record,
)
from kyoso.health.services.sharing import proxy_grant, proxy_revoke, share_grant, share_revoke
from kyoso.health.services.statistics import privacy_budget_set, private_statistic_run
from kyoso.health.services.waiting import provider_waiting_publish

__all__ = [
    "ImportResult",
    "Viewer",
    "appointment_book",
    "appointment_cancel",
    "bundle_import",
    "calendar_of",
    "care_note_add",
    "care_provider_ensure",
    "care_staff_ensure",
    "device_csv_import",
    "entry_create",
    "entry_read",
    "expired_entries_purge",
    "health_profile_set",
    "patient_get",
    "payloads_rotate",
    "privacy_budget_set",
    "private_statistic_run",
    "provider_waiting_publish",
    "proxy_grant",
    "proxy_is_active",
    "proxy_revoke",
    "record_delete_all",
    "record_export_bundle",
    "record_export_csv",
    "record_read",
    "reminders_send",
    "schedule_save",
    "share_grant",
    "share_revoke",
    "viewer_for",
    "visit_agree",
    "visit_identity_check",
    "visit_party",
    "visit_ready",
    "visit_signal_send",
    "vitals_record",
]
