from kyoso.core.models.accounts import ApiToken, EmailMode, Membership, Role, TokenScope, User
from kyoso.core.models.audit import AuditEvent, PersonalDataAccess
from kyoso.core.models.consent import Consent
from kyoso.core.models.notifications import Notification
from kyoso.core.models.organisations import Organisation, OrganisationKind
from kyoso.core.models.places import Place, PlaceKind
from kyoso.core.models.tenancy import City, CityScopedModel, CityScopedQuerySet, District
from kyoso.core.models.themes import Theme, Themed
from kyoso.core.models.uploads import Upload, UploadKind

__all__ = [
    "ApiToken",
    "AuditEvent",
    "City",
    "CityScopedModel",
    "CityScopedQuerySet",
    "Consent",
    "District",
    "EmailMode",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "PersonalDataAccess",
    "Place",
    "PlaceKind",
    "Role",
    "Theme",
    "Themed",
    "TokenScope",
    "Upload",
    "UploadKind",
    "User",
]
