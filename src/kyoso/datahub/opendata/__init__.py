"""The open-data catalogue's Django-free parts: small-cell suppression of published tables and
the CKAN Action API's parameters and datastore queries."""

from kyoso.datahub.opendata.ckan import (
    CkanError,
    CkanNotAuthorized,
    CkanNotFound,
    CkanValidationError,
    datastore_query,
    field_type,
    int_param,
    json_param,
    parse_fq,
)
from kyoso.datahub.opendata.suppression import suppress_cells, suppress_rows

__all__ = [
    "CkanError",
    "CkanNotAuthorized",
    "CkanNotFound",
    "CkanValidationError",
    "datastore_query",
    "field_type",
    "int_param",
    "json_param",
    "parse_fq",
    "suppress_cells",
    "suppress_rows",
]
