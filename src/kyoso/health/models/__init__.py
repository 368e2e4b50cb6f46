from kyoso.health.models.booking import (
    Appointment,
    AppointmentStatus,
    ClinicSchedule,
    VisitMode,
    VisitSignal,
)
from kyoso.health.models.oauth import FhirAccessToken, FhirAuthCode, FhirClientApp, token_hash
from kyoso.health.models.records import (
    CareProvider,
    CareStaff,
    EntrySource,
    HealthEntry,
    Profession,
    ProviderKind,
)
from kyoso.health.models.sharing import (
    HealthAccess,
    ProxyAuthority,
    ProxyBasis,
    ShareGrant,
    SharePurpose,
)
from kyoso.health.models.statistics import HealthProfile, PrivacyBudget, PrivateQuery, Sex

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "CareProvider",
    "CareStaff",
    "ClinicSchedule",
    "EntrySource",
    "FhirAccessToken",
    "FhirAuthCode",
    "FhirClientApp",
    "HealthAccess",
    "HealthEntry",
    "HealthProfile",
    "PrivacyBudget",
    "PrivateQuery",
    "Profession",
    "ProviderKind",
    "ProxyAuthority",
    "ProxyBasis",
    "Sex",
    "ShareGrant",
    "SharePurpose",
    "VisitMode",
    "VisitSignal",
    "token_hash",
]
