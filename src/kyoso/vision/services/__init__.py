"""Writes of the vision app."""

from __future__ import annotations

from kyoso.vision.services.kpi_actuals import (
    CsvImportResult,
    kpi_actual_delete,
    kpi_actual_record,
    kpi_actuals_import_csv,
    kpi_refresh_from_provider,
)
from kyoso.vision.services.kpis import (
    kpi_create,
    kpi_update,
)
from kyoso.vision.services.measures import (
    measure_cost_set,
    measure_create,
    measure_kpi_link_remove,
    measure_kpi_link_set,
    measure_milestone_add,
    measure_update,
)
from kyoso.vision.services.participation import (
    comment_hide,
    comment_post,
    endorsement_add,
    endorsement_withdraw,
    perspective_rate,
)
from kyoso.vision.services.themes import (
    theme_create,
    theme_update,
)
from kyoso.vision.services.vision import vision_save

__all__ = [
    "CsvImportResult",
    "comment_hide",
    "comment_post",
    "endorsement_add",
    "endorsement_withdraw",
    "kpi_actual_delete",
    "kpi_actual_record",
    "kpi_actuals_import_csv",
    "kpi_create",
    "kpi_refresh_from_provider",
    "kpi_update",
    "measure_cost_set",
    "measure_create",
    "measure_kpi_link_remove",
    "measure_kpi_link_set",
    "measure_milestone_add",
    "measure_update",
    "perspective_rate",
    "theme_create",
    "theme_update",
    "vision_save",
]
