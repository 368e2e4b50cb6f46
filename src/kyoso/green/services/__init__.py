from kyoso.green.services.companies import (
    PURPOSE_AGGREGATE,
    PURPOSE_NAMED,
    PURPOSE_SECRETARIAT,
    company_create,
    company_set_disclosure,
    consortium_join,
    consortium_set_estimate,
    ev_lease_create,
    measure_adopt,
    require_manager,
    site_create,
)
from kyoso.green.services.factors import factor_list_import, factor_lists_import_folder
from kyoso.green.services.inventory import (
    ActivityInput,
    activity_bulk_load,
    activity_import_bulk,
    activity_import_csv,
    activity_record,
    inventory_recalculate,
)

__all__ = [
    "PURPOSE_AGGREGATE",
    "PURPOSE_NAMED",
    "PURPOSE_SECRETARIAT",
    "ActivityInput",
    "activity_bulk_load",
    "activity_import_bulk",
    "activity_import_csv",
    "activity_record",
    "company_create",
    "company_set_disclosure",
    "consortium_join",
    "consortium_set_estimate",
    "ev_lease_create",
    "factor_list_import",
    "factor_lists_import_folder",
    "inventory_recalculate",
    "measure_adopt",
    "require_manager",
    "site_create",
]
