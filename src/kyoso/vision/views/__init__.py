"""Vision pages: citizens' pages (``pages``) and staff editing (``staff``)."""

from __future__ import annotations

from kyoso.vision.views.pages import (
    comment,
    endorse,
    index,
    measure_detail,
    print_summary,
    rate,
    theme_detail,
)
from kyoso.vision.views.staff import (
    actuals_export,
    actuals_import,
    endorsements,
    kpi_actuals,
    kpi_edit,
    kpi_refresh,
    measure_edit,
    measure_part,
    staff_index,
    theme_edit,
    vision_edit,
)

__all__ = [
    "actuals_export",
    "actuals_import",
    "comment",
    "endorse",
    "endorsements",
    "index",
    "kpi_actuals",
    "kpi_edit",
    "kpi_refresh",
    "measure_detail",
    "measure_edit",
    "measure_part",
    "print_summary",
    "rate",
    "staff_index",
    "theme_detail",
    "theme_edit",
    "vision_edit",
]
