"""Vision data: the vision, themes, KPIs and actuals, measures, ratings, 共感, comments."""

from __future__ import annotations

from kyoso.vision.models.vision import (
    Axis,
    Direction,
    Endorsement,
    Kpi,
    KpiActual,
    KpiSource,
    Measure,
    MeasureCost,
    MeasureKpiLink,
    MeasureMilestone,
    MeasureStatus,
    PerspectiveRating,
    Stance,
    Theme,
    Vision,
    VisionComment,
)

__all__ = [
    "Axis",
    "Direction",
    "Endorsement",
    "Kpi",
    "KpiActual",
    "KpiSource",
    "Measure",
    "MeasureCost",
    "MeasureKpiLink",
    "MeasureMilestone",
    "MeasureStatus",
    "PerspectiveRating",
    "Stance",
    "Theme",
    "Vision",
    "VisionComment",
]
