"""API of the vision app: the vision, themes, KPIs with actuals (CSV in and out), measures."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from kyoso.core.csv_export import SafeCsvWriter
from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get
from kyoso.vision import selectors, services
from kyoso.vision.models import Theme
from kyoso.vision.schemas import (
    ActualIn,
    ActualOut,
    CostIn,
    CostOut,
    EndorseIn,
    EndorseOut,
    KpiDetailOut,
    KpiImportOut,
    KpiIn,
    KpiOut,
    KpiPatch,
    LinkIn,
    LinkOut,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    ThemeIn,
    ThemeOut,
    ThemePatch,
    VisionCommentIn,
    VisionCommentOut,
    VisionIn,
    VisionOut,
)

router = Router(tags=["vision"])
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
PUBLIC_ERRORS: dict[int, type] = {404: ErrorOut, 422: ErrorOut}
MAX_CSV_BYTES = 5 * 1024 * 1024


def _theme_ref(city: City, code: str | None, field: str) -> Theme | None:
    if code is None:
        return None
    if "\x00" in code:
        raise DomainError(_("There is no theme with this code."), field=field)
    theme = Theme.objects.filter(city=city, code=code).first()
    if theme is None:
        raise DomainError(_("There is no theme with this code."), field=field)
    return theme


NULLABLE = frozenset({"parent", "start_date", "end_date"})


def _values(payload: Any, city: City) -> dict[str, Any]:
    # An explicit null means "not given", except for fields that may really be empty.
    values = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in NULLABLE
    }
    for name in ("theme", "parent"):
        if name in values:
            values[name] = _theme_ref(city, values[name], name)
    if values.get("milestones") is not None:
        values["milestones"] = [
            {"year": m["year"], "value": str(m["value"])} for m in values["milestones"]
        ]
    return values


@router.get("/{city_slug}/vision", response={200: VisionOut | None, **PUBLIC_ERRORS}, auth=None)
def get_vision(request: HttpRequest, city_slug: str) -> Any:
    return selectors.vision_of(city_get(city_slug))


@router.put("/{city_slug}/vision", response={200: VisionOut, **ERRORS})
def put_vision(request: HttpRequest, city_slug: str, payload: VisionIn) -> Any:
    city = city_get(city_slug)
    return services.vision_save(city=city, actor=request.user, **payload.dict())  # type: ignore[arg-type]


@router.get("/{city_slug}/themes", response={200: list[ThemeOut], **PUBLIC_ERRORS}, auth=None)
def list_themes(request: HttpRequest, city_slug: str) -> Any:
    return selectors.themes_of(city_get(city_slug)).order_by("sort_order", "code")


@router.post("/{city_slug}/themes", response={201: ThemeOut, **ERRORS})
def create_theme(request: HttpRequest, city_slug: str, payload: ThemeIn) -> Any:
    city = city_get(city_slug)
    values = _values(payload, city)
    theme = services.theme_create(city=city, actor=request.user, **values)  # type: ignore[arg-type]
    return 201, theme


@router.patch("/{city_slug}/themes/{code}", response={200: ThemeOut, **ERRORS})
def update_theme(request: HttpRequest, city_slug: str, code: str, payload: ThemePatch) -> Any:
    city = city_get(city_slug)
    theme = selectors.theme_get(city, code)
    user = request.user
    return services.theme_update(city=city, actor=user, theme=theme, **_values(payload, city))  # type: ignore[arg-type]


@router.get("/{city_slug}/kpis", response={200: list[KpiOut], **PUBLIC_ERRORS}, auth=None)
def list_kpis(request: HttpRequest, city_slug: str) -> Any:
    return selectors.kpis_of(city_get(city_slug))


@router.post("/{city_slug}/kpis", response={201: KpiOut, **ERRORS})
def create_kpi(request: HttpRequest, city_slug: str, payload: KpiIn) -> Any:
    city = city_get(city_slug)
    kpi = services.kpi_create(city=city, actor=request.user, **_values(payload, city))  # type: ignore[arg-type]
    return 201, kpi


@router.get("/{city_slug}/kpis/{code}", response={200: KpiDetailOut, **PUBLIC_ERRORS}, auth=None)
def get_kpi(request: HttpRequest, city_slug: str, code: str) -> Any:
    kpi = selectors.kpi_get(city_get(city_slug), code)
    kpi.actuals_list = list(selectors.kpi_actuals(kpi))  # type: ignore[attr-defined]
    return kpi


@router.patch("/{city_slug}/kpis/{code}", response={200: KpiOut, **ERRORS})
def update_kpi(request: HttpRequest, city_slug: str, code: str, payload: KpiPatch) -> Any:
    city = city_get(city_slug)
    kpi = selectors.kpi_get(city, code)
    return services.kpi_update(city=city, actor=request.user, kpi=kpi, **_values(payload, city))  # type: ignore[arg-type]


@router.post("/{city_slug}/kpis/{code}/actuals", response={201: ActualOut, **ERRORS})
def record_actual(request: HttpRequest, city_slug: str, code: str, payload: ActualIn) -> Any:
    city = city_get(city_slug)
    kpi = selectors.kpi_get(city, code)
    actual = services.kpi_actual_record(city=city, actor=request.user, kpi=kpi, **payload.dict())  # type: ignore[arg-type]
    return 201, actual


@router.get("/{city_slug}/actuals.csv", response={200: str, **PUBLIC_ERRORS}, auth=None)
def export_actuals(request: HttpRequest, city_slug: str) -> Any:
    """All KPI values as CSV (kpi_code,year,value,note,…), the layout the import accepts."""
    city = city_get(city_slug)
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["kpi_code", "year", "value", "note", "kpi_name", "unit", "source"])
    for a in selectors.kpi_actuals_for_export(city).iterator():
        writer.writerow(
            [
                a.kpi.code,
                f"{a.year}-{a.month:02d}" if a.month else a.year,
                selectors.plain_number(a.value),
                a.note,
                a.kpi.name_ja,
                a.kpi.unit,
                a.provider_name or a.source,
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{city.slug}-kpi-actuals.csv"'
    return response


@router.post("/{city_slug}/actuals/import", response={200: KpiImportOut, **ERRORS})
def import_actuals(request: HttpRequest, city_slug: str, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Upload a CSV with the columns kpi_code, year, value, note; all rows or none are stored."""
    city = city_get(city_slug)
    if file.size is not None and file.size > MAX_CSV_BYTES:
        raise DomainError(_("The file is too large (at most 5 MB)."), field="file")
    result = services.kpi_actuals_import_csv(city=city, actor=request.user, data=file.read())  # type: ignore[arg-type]
    return {"created": result.created, "updated": result.updated, "kpis": result.kpis}


@router.get("/{city_slug}/measures", response={200: list[MeasureOut], **PUBLIC_ERRORS}, auth=None)
def list_measures(request: HttpRequest, city_slug: str, status: str = "") -> Any:
    return selectors.measures_of(city_get(city_slug), status=status[:10].replace("\x00", ""))


@router.get(
    "/{city_slug}/measures/{measure_id}", response={200: MeasureOut, **PUBLIC_ERRORS}, auth=None
)
def get_measure(request: HttpRequest, city_slug: str, measure_id: int) -> Any:
    return selectors.measure_get(city_get(city_slug), measure_id)


def _measure(city: City, measure_id: int) -> Any:
    return selectors.measure_get(city, measure_id)


@router.post("/{city_slug}/measures", response={201: MeasureOut, **ERRORS})
def create_measure(request: HttpRequest, city_slug: str, payload: MeasureIn) -> Any:
    city = city_get(city_slug)
    measure = services.measure_create(city=city, actor=request.user, **_values(payload, city))  # type: ignore[arg-type]
    return 201, _measure(city, measure.pk)


@router.patch("/{city_slug}/measures/{measure_id}", response={200: MeasureOut, **ERRORS})
def update_measure(
    request: HttpRequest, city_slug: str, measure_id: int, payload: MeasurePatch
) -> Any:
    city = city_get(city_slug)
    measure = _measure(city, measure_id)
    user = request.user
    services.measure_update(city=city, actor=user, measure=measure, **_values(payload, city))  # type: ignore[arg-type]
    return _measure(city, measure_id)


@router.put("/{city_slug}/measures/{measure_id}/kpis/{code}", response={200: LinkOut, **ERRORS})
def link_kpi(
    request: HttpRequest, city_slug: str, measure_id: int, code: str, payload: LinkIn
) -> Any:
    city = city_get(city_slug)
    return services.measure_kpi_link_set(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        measure=_measure(city, measure_id),
        kpi=selectors.kpi_get(city, code),
        expected_change=payload.expected_change,
        note=payload.note,
    )


@router.delete("/{city_slug}/measures/{measure_id}/kpis/{code}", response={204: None, **ERRORS})
def unlink_kpi(request: HttpRequest, city_slug: str, measure_id: int, code: str) -> Any:
    city = city_get(city_slug)
    services.measure_kpi_link_remove(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        measure=_measure(city, measure_id),
        kpi=selectors.kpi_get(city, code),
    )
    return 204, None


@router.put("/{city_slug}/measures/{measure_id}/costs/{year}", response={200: CostOut, **ERRORS})
def set_cost(
    request: HttpRequest, city_slug: str, measure_id: int, year: int, payload: CostIn
) -> Any:
    city = city_get(city_slug)
    return services.measure_cost_set(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        measure=_measure(city, measure_id),
        year=year,
        budget_yen=payload.budget_yen,
        actual_yen=payload.actual_yen,
    )


@router.post("/{city_slug}/endorsements", response={200: EndorseOut, **ERRORS})
def endorse(request: HttpRequest, city_slug: str, payload: EndorseIn) -> Any:
    """Say "I share this" (共感) for the whole vision (no theme) or for one theme."""
    city = city_get(city_slug)
    theme = _theme_ref(city, payload.theme, "theme")
    services.endorsement_add(city=city, user=request.user, theme=theme)  # type: ignore[arg-type]
    return {
        "theme": payload.theme,
        "endorsed": True,
        "count": selectors.endorsement_total(city, theme),
    }


@router.delete("/{city_slug}/endorsements", response={200: EndorseOut, **ERRORS})
def withdraw(request: HttpRequest, city_slug: str, theme: str | None = None) -> Any:
    city = city_get(city_slug)
    theme_obj = _theme_ref(city, theme, "theme") if theme else None
    services.endorsement_withdraw(city=city, user=request.user, theme=theme_obj)  # type: ignore[arg-type]
    return {
        "theme": theme,
        "endorsed": False,
        "count": selectors.endorsement_total(city, theme_obj),
    }


@router.post("/{city_slug}/comments", response={201: VisionCommentOut, **ERRORS})
def post_comment(request: HttpRequest, city_slug: str, payload: VisionCommentIn) -> Any:
    city = city_get(city_slug)
    measure = None
    if payload.measure is not None:
        measure = selectors.measures_of(city).filter(pk=payload.measure).first()
        if measure is None:
            raise DomainError(_("There is no such measure."), field="measure")
    comment = services.comment_post(
        city=city,
        user=request.user,  # type: ignore[arg-type]
        body=payload.body,
        stance=payload.stance,
        theme=_theme_ref(city, payload.theme, "theme"),
        measure=measure,
    )
    return 201, comment
