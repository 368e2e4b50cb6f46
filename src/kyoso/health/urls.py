from django.urls import include, path

from kyoso.health.views import fhir, oauth, pages

RECORD = fhir.RECORD_TYPES

fhir_patterns = [
    path("R4/metadata", fhir.metadata, name="metadata"),
    path(
        "R4/.well-known/smart-configuration", fhir.smart_configuration, name="smart_configuration"
    ),
    path("oauth/authorize", oauth.authorize, name="authorize"),
    path("oauth/token", oauth.token, name="token"),
    path("R4/Patient", fhir.patient_search, name="patient_search"),
    path("R4/Patient/<int:patient_id>", fhir.patient_read, name="patient_read"),
    path("R4/Consent", fhir.consent_search, name="consent_search"),
    path("R4/Consent/<uuid:fhir_id>", fhir.consent_read, name="consent_read"),
    path("R4/AuditEvent", fhir.audit_event_search, name="audit_event_search"),
    path("R4/Schedule", fhir.schedule_search, name="schedule_search"),
    path("R4/Slot", fhir.slot_search, name="slot_search"),
    path("R4/Appointment", fhir.appointment_search, name="appointment_search"),
    *[path(f"R4/{t}", fhir.record_search(t), name=f"{t.lower()}_search") for t in RECORD],
    *[
        path(f"R4/{t}/<uuid:fhir_id>", fhir.record_read(t), name=f"{t.lower()}_read")
        for t in RECORD
    ],
]

root_urlpatterns = [path("fhir/", include((fhir_patterns, "health_fhir")))]

urlpatterns = [
    path("", pages.index, name="index"),
    path("vitals/new/", pages.vitals_new, name="vitals_new"),
    path("import/", pages.import_file, name="import"),
    path("export.json", pages.export_bundle, name="export_bundle"),
    path("export.csv", pages.export_csv, name="export_csv"),
    path("delete/", pages.delete_all, name="delete"),
    path("share/", pages.share, name="share"),
    path("share/<int:grant_id>/revoke/", pages.share_revoke, name="share_revoke"),
    path("family/", pages.family, name="family"),
    path("people/<int:patient_id>/", pages.patient_record, name="patient"),
    path("people/<int:patient_id>/timeline/", pages.timeline, name="timeline"),
    path("booking/", pages.booking, name="booking"),
    path("booking/<uuid:schedule_id>/", pages.schedule_slots, name="schedule"),
    path("appointments/<uuid:appointment_id>/cancel/", pages.appointment_cancel, name="cancel"),
    path("visits/<uuid:appointment_id>/", pages.visit_room, name="visit"),
    path("visits/<uuid:appointment_id>/signals/", pages.visit_signals, name="visit_signals"),
    path("clinic/", pages.clinic, name="clinic"),
    path("statistics/", pages.statistics, name="statistics"),
    path("fhir-apps/", pages.fhir_apps, name="fhir_apps"),
]
