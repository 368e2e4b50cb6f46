from django.contrib import admin

from kyoso.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from kyoso.vision.models import (
    Endorsement,
    Kpi,
    KpiActual,
    Measure,
    MeasureCost,
    MeasureKpiLink,
    MeasureMilestone,
    PerspectiveRating,
    Theme,
    Vision,
    VisionComment,
)


@admin.register(Vision)
class VisionAdmin(ReadOnlyAdmin):
    list_display = ["title_ja", "city", "horizon_year", "target_year"]
    list_filter = ["city"]


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ["name_ja", "code", "parent", "city", "target_year"]
    list_filter = ["city"]
    search_fields = ["name_ja", "name_en", "code"]


class KpiActualInline(ReadOnlyInline):
    model = KpiActual
    extra = 0
    fields = ["year", "month", "value", "note", "source", "provider_name", "entered_by"]
    raw_id_fields = ["entered_by"]


@admin.register(Kpi)
class KpiAdmin(ReadOnlyAdmin):
    list_display = ["name_ja", "code", "theme", "unit", "direction", "target_year", "source"]
    list_filter = ["city", "source", "direction"]
    search_fields = ["name_ja", "name_en", "code"]
    inlines = [KpiActualInline]
    raw_id_fields = ["owner"]


class MeasureKpiLinkInline(ReadOnlyInline):
    model = MeasureKpiLink
    extra = 0


class MeasureCostInline(ReadOnlyInline):
    model = MeasureCost
    extra = 0


class MeasureMilestoneInline(ReadOnlyInline):
    model = MeasureMilestone
    extra = 0


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["title_ja", "theme", "status", "start_date", "end_date", "city"]
    list_filter = ["city", "status"]
    search_fields = ["title_ja", "title_en"]
    inlines = [MeasureKpiLinkInline, MeasureCostInline, MeasureMilestoneInline]
    raw_id_fields = ["owner"]


@admin.register(PerspectiveRating)
class PerspectiveRatingAdmin(ReadOnlyAdmin):
    list_display = ["measure", "axis", "role", "score", "city"]
    list_filter = ["city", "axis", "role"]


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ["user", "theme", "district", "age_band", "created_at", "city"]
    list_filter = ["city", "age_band"]


@admin.register(VisionComment)
class VisionCommentAdmin(ReadOnlyAdmin):
    list_display = ["user", "stance", "theme", "measure", "hidden", "created_at"]
    list_filter = ["city", "stance", "hidden"]
