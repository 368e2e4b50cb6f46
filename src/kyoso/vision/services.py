"""Writes of the vision app: vision, themes, KPIs and actuals, measures, ratings, 共感, comments."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role, roles_of
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services import audit_record
from kyoso.vision.kpi_providers import get_provider
from kyoso.vision.models import (
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

THEME_FIELDS = (
    "parent",
    "code",
    "name_ja",
    "name_en",
    "summary_ja",
    "summary_en",
    "target_state_ja",
    "target_state_en",
    "target_year",
    "sort_order",
)
KPI_FIELDS = (
    "theme",
    "code",
    "name_ja",
    "name_en",
    "description_ja",
    "description_en",
    "unit",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "milestones",
    "source",
    "provider_key",
    "owner",
    "owner_unit",
    "sort_order",
)
MEASURE_FIELDS = (
    "theme",
    "title_ja",
    "title_en",
    "description_ja",
    "description_en",
    "status",
    "owner",
    "owner_unit",
    "start_date",
    "end_date",
    "inputs",
    "activities",
    "outputs",
    "outcomes",
    "impact",
)
MAX_CSV_ROWS = 20_000


def _require_staff(city: City, actor: User | None) -> None:
    if actor is not None:
        require_role(actor, city, Role.STAFF)


def _clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """Validate a model instance, turning the first problem into a DomainError on its field."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        name, messages = next(iter(errors.items()))
        field_name = None if name == "__all__" else name
        raise DomainError(" ".join(messages), field=field_name) from exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _apply(obj: models.Model, values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """Set the allowed fields on ``obj``; return {field: new value} of those that changed."""
    changed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in allowed:
            raise DomainError(_("This field cannot be changed here."), field=name)
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:
            current = None
        if obj.pk is None or current != value:
            setattr(obj, name, value)
            changed[name] = _jsonable(value)
    return changed


def _same_city(city: City, obj: models.Model | None, field_name: str) -> None:
    if obj is not None and getattr(obj, "city_id", None) != city.pk:
        raise DomainError(_("This item belongs to another city."), field=field_name)


# --- vision --------------------------------------------------------------------------------


@transaction.atomic
def vision_save(*, city: City, actor: User | None, **values: Any) -> Vision:
    """Return the city's vision after creating or updating it with ``values``."""
    _require_staff(city, actor)
    vision = Vision.objects.filter(city=city).first()
    created = vision is None
    if vision is None:
        vision = Vision(city=city)
    allowed = (
        "title_ja",
        "title_en",
        "future_image_ja",
        "future_image_en",
        "horizon_year",
        "target_state_ja",
        "target_state_en",
        "target_year",
    )
    changed = _apply(vision, values, allowed)
    _clean(vision)
    vision.save()
    audit_record(
        city=city,
        actor=actor,
        action="vision.create" if created else "vision.update",
        obj=vision,
        details={"changed": sorted(changed)},
    )
    return vision


# --- themes --------------------------------------------------------------------------------


def _check_parent(city: City, theme: Theme | None, parent: Theme | None) -> None:
    _same_city(city, parent, "parent")
    ancestor = parent
    while ancestor is not None and theme is not None and theme.pk:
        if ancestor.pk == theme.pk:
            raise DomainError(_("A theme cannot be placed under itself."), field="parent")
        ancestor = ancestor.parent


@transaction.atomic
def theme_create(
    *, city: City, actor: User | None, code: str, name_ja: str, **values: Any
) -> Theme:
    """Return a new theme (a sub-theme when ``parent`` is given)."""
    _require_staff(city, actor)
    theme = Theme(city=city)
    _apply(theme, {"code": code, "name_ja": name_ja, **values}, THEME_FIELDS)
    _check_parent(city, theme, theme.parent)
    _clean(theme)
    theme.save()
    audit_record(city=city, actor=actor, action="vision.theme.create", obj=theme)
    return theme


@transaction.atomic
def theme_update(*, city: City, actor: User | None, theme: Theme, **values: Any) -> Theme:
    """Return the theme after changing the given fields."""
    _require_staff(city, actor)
    _same_city(city, theme, "theme")
    changed = _apply(theme, values, THEME_FIELDS)
    _check_parent(city, theme, theme.parent)
    _clean(theme)
    theme.save()
    if changed:
        audit_record(
            city=city, actor=actor, action="vision.theme.update", obj=theme, details=changed
        )
    return theme


# --- KPIs ----------------------------------------------------------------------------------


def _normalise_milestones(raw: Any) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise DomainError(_("Milestones must be a list of years and values."), field="milestones")
    out: dict[int, str] = {}
    for item in raw:
        try:
            year = int(item["year"])
            value = Decimal(str(item["value"]))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise DomainError(
                _("Each milestone needs a year and a number."), field="milestones"
            ) from exc
        if not value.is_finite():
            raise DomainError(_("Each milestone needs a year and a number."), field="milestones")
        out[year] = str(value)
    return [{"year": y, "value": v} for y, v in sorted(out.items())]


def _check_kpi(city: City, kpi: Kpi) -> None:
    _same_city(city, kpi.theme, "theme")
    if kpi.target_year <= kpi.baseline_year:
        raise DomainError(
            _("The target year must come after the baseline year."), field="target_year"
        )
    for item in kpi.milestones:
        if not kpi.baseline_year < int(item["year"]) < kpi.target_year:
            raise DomainError(
                _("Milestones must lie between the baseline year and the target year."),
                field="milestones",
            )
    if kpi.source == KpiSource.PROVIDER:
        if get_provider(kpi.provider_key) is None:
            raise DomainError(_("Choose a provider that is available."), field="provider_key")
    else:
        kpi.provider_key = ""
    if kpi.direction not in Direction.values:
        raise DomainError(_("Choose a direction."), field="direction")


@transaction.atomic
def kpi_create(
    *,
    city: City,
    actor: User | None,
    theme: Theme,
    code: str,
    name_ja: str,
    unit: str,
    baseline_year: int,
    baseline_value: Decimal,
    target_year: int,
    target_value: Decimal,
    **values: Any,
) -> Kpi:
    """Return a new KPI of a theme."""
    _require_staff(city, actor)
    kpi = Kpi(city=city)
    values = {
        "theme": theme,
        "code": code,
        "name_ja": name_ja,
        "unit": unit,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "target_year": target_year,
        "target_value": target_value,
        **values,
    }
    values["milestones"] = _normalise_milestones(values.get("milestones"))
    _apply(kpi, values, KPI_FIELDS)
    _check_kpi(city, kpi)
    _clean(kpi)
    kpi.save()
    audit_record(city=city, actor=actor, action="vision.kpi.create", obj=kpi)
    return kpi


@transaction.atomic
def kpi_update(*, city: City, actor: User | None, kpi: Kpi, **values: Any) -> Kpi:
    """Return the KPI after changing the given fields."""
    _require_staff(city, actor)
    _same_city(city, kpi, "kpi")
    if "milestones" in values:
        values["milestones"] = _normalise_milestones(values["milestones"])
    changed = _apply(kpi, values, KPI_FIELDS)
    _check_kpi(city, kpi)
    _clean(kpi)
    kpi.save()
    if changed:
        audit_record(city=city, actor=actor, action="vision.kpi.update", obj=kpi, details=changed)
    return kpi


def _parse_decimal(raw: Any, field_name: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter a number."), field=field_name) from exc
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise DomainError(_("Enter a number."), field=field_name)
    return value


def _check_period(year: int, month: int) -> None:
    if not 1900 <= year <= 2200:
        raise DomainError(_("Enter a year between 1900 and 2200."), field="year")
    if not 0 <= month <= 12:
        raise DomainError(_("Enter a month from 1 to 12, or 0 for the whole year."), field="month")


def _store_actual(
    *,
    city: City,
    kpi: Kpi,
    year: int,
    month: int,
    value: Decimal,
    note: str,
    source: str,
    entered_by: User | None,
    provider_name: str = "",
) -> tuple[KpiActual, bool]:
    actual, created = KpiActual.objects.update_or_create(
        city=city,
        kpi=kpi,
        year=year,
        month=month,
        defaults={
            "value": value,
            "note": note[:200],
            "source": source,
            "entered_by": entered_by,
            "provider_name": provider_name,
        },
    )
    return actual, created


@transaction.atomic
def kpi_actual_record(
    *,
    city: City,
    actor: User | None,
    kpi: Kpi,
    year: int,
    value: Decimal | str | float,
    month: int = 0,
    note: str = "",
) -> KpiActual:
    """Return the stored actual for the period (replacing an earlier value of that period)."""
    _require_staff(city, actor)
    _same_city(city, kpi, "kpi")
    _check_period(year, month)
    number = _parse_decimal(value, "value")
    actual, created = _store_actual(
        city=city,
        kpi=kpi,
        year=year,
        month=month,
        value=number,
        note=note,
        source=KpiSource.MANUAL,
        entered_by=actor,
    )
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.record",
        obj=kpi,
        details={"year": year, "month": month, "value": str(number), "new": created},
    )
    return actual


@transaction.atomic
def kpi_actual_delete(
    *, city: City, actor: User | None, kpi: Kpi, year: int, month: int = 0
) -> None:
    _require_staff(city, actor)
    deleted, _count = KpiActual.objects.filter(city=city, kpi=kpi, year=year, month=month).delete()
    if not deleted:
        raise NotFoundError(_("There is no value for this period."), field="year")
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.delete",
        obj=kpi,
        details={"year": year, "month": month},
    )


@dataclass
class CsvImportResult:
    created: int = 0
    updated: int = 0
    kpis: list[str] = field(default_factory=list)


CSV_COLUMNS = ("kpi_code", "year", "value", "note")


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data:
        raise DomainError(
            _("The file is not readable text (use UTF-8 or Shift_JIS)."), field="file"
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The file is not readable text (use UTF-8 or Shift_JIS)."), field="file")


@transaction.atomic
def kpi_actuals_import_csv(*, city: City, actor: User | None, data: bytes) -> CsvImportResult:
    """Return the counts after storing every row of a ``kpi_code,year,value,note`` CSV.

    All rows are checked first; one bad row rejects the whole file, naming the row.
    ``year`` may be ``2024`` or ``2024-04`` for a monthly value.
    """
    _require_staff(city, actor)
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    reader = csv.DictReader(io.StringIO(_decode_csv(data)))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        raise DomainError(
            _(
                "The first row must name the columns kpi_code, year, value (and note). Missing: %(cols)s"
            )
            % {"cols": ", ".join(missing)},
            field="file",
        )
    reader.fieldnames = header
    kpis = {k.code: k for k in Kpi.objects.filter(city=city)}
    rows: list[tuple[Kpi, int, int, Decimal, str]] = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_CSV_ROWS:
            raise DomainError(_("The file has too many rows."), field="file")
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        where = _("Row %(n)d: ") % {"n": number}
        code = (row.get("kpi_code") or "").strip()
        kpi = kpis.get(code)
        if kpi is None:
            raise DomainError(
                where + _("unknown KPI code “%(code)s”.") % {"code": code}, field="file"
            )
        period = (row.get("year") or "").strip()
        try:
            if "-" in period or "/" in period:
                y, m = period.replace("/", "-").split("-", 1)
                year, month = int(y), int(m)
            else:
                year, month = int(period), 0
            _check_period(year, month)
        except (ValueError, DomainError) as exc:
            raise DomainError(where + _("the year is not valid."), field="file") from exc
        try:
            value = _parse_decimal(row.get("value") or "", "value")
        except DomainError as exc:
            raise DomainError(where + _("the value is not a number."), field="file") from exc
        rows.append((kpi, year, month, value, (row.get("note") or "").strip()))
    if not rows:
        raise DomainError(_("The file has no rows of data."), field="file")
    result = CsvImportResult()
    for kpi, year, month, value, note in rows:
        _actual, created = _store_actual(
            city=city,
            kpi=kpi,
            year=year,
            month=month,
            value=value,
            note=note,
            source=KpiSource.CSV,
            entered_by=actor,
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
        if kpi.code not in result.kpis:
            result.kpis.append(kpi.code)
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.import_csv",
        object_type="vision.kpi",
        details={"created": result.created, "updated": result.updated, "kpis": result.kpis},
    )
    return result


@transaction.atomic
def kpi_refresh_from_provider(*, city: City, kpi: Kpi, actor: User | None = None) -> int:
    """Return how many yearly actuals were stored from the KPI's registered provider."""
    _same_city(city, kpi, "kpi")
    if kpi.source != KpiSource.PROVIDER:
        raise DomainError(_("This KPI does not take its values from a provider."), field="source")
    provider = get_provider(kpi.provider_key)
    if provider is None:
        raise DomainError(_("The provider of this KPI is not available."), field="provider_key")
    stored = 0
    for year, raw in provider.fn(city, kpi):
        value = _parse_decimal(raw, "value")
        _check_period(int(year), 0)
        _store_actual(
            city=city,
            kpi=kpi,
            year=int(year),
            month=0,
            value=value,
            note="",
            source=KpiSource.PROVIDER,
            entered_by=None,
            provider_name=provider.key,
        )
        stored += 1
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.refresh",
        obj=kpi,
        details={"provider": provider.key, "stored": stored},
    )
    return stored


# --- measures ------------------------------------------------------------------------------


def _check_measure(city: City, measure: Measure) -> None:
    _same_city(city, measure.theme, "theme")
    if measure.start_date and measure.end_date and measure.end_date < measure.start_date:
        raise DomainError(_("The end must not come before the start."), field="end_date")
    if measure.status not in MeasureStatus.values:
        raise DomainError(_("Choose a status."), field="status")


@transaction.atomic
def measure_create(
    *, city: City, actor: User | None, theme: Theme, title_ja: str, **values: Any
) -> Measure:
    """Return a new measure of a theme."""
    _require_staff(city, actor)
    measure = Measure(city=city)
    _apply(measure, {"theme": theme, "title_ja": title_ja, **values}, MEASURE_FIELDS)
    _check_measure(city, measure)
    _clean(measure)
    measure.save()
    audit_record(city=city, actor=actor, action="vision.measure.create", obj=measure)
    return measure


@transaction.atomic
def measure_update(*, city: City, actor: User | None, measure: Measure, **values: Any) -> Measure:
    """Return the measure after changing the given fields."""
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    changed = _apply(measure, values, MEASURE_FIELDS)
    _check_measure(city, measure)
    _clean(measure)
    measure.save()
    if changed:
        audit_record(
            city=city, actor=actor, action="vision.measure.update", obj=measure, details=changed
        )
    return measure


@transaction.atomic
def measure_kpi_link_set(
    *,
    city: City,
    actor: User | None,
    measure: Measure,
    kpi: Kpi,
    expected_change: Decimal | str | float,
    note: str = "",
) -> MeasureKpiLink:
    """Return the link saying how much the measure is expected to move the KPI."""
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    _same_city(city, kpi, "kpi")
    change = _parse_decimal(expected_change, "expected_change")
    link, _created = MeasureKpiLink.objects.update_or_create(
        city=city,
        measure=measure,
        kpi=kpi,
        defaults={"expected_change": change, "note": note[:200]},
    )
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.link_kpi",
        obj=measure,
        details={"kpi": kpi.code, "expected_change": str(change)},
    )
    return link


@transaction.atomic
def measure_kpi_link_remove(*, city: City, actor: User | None, measure: Measure, kpi: Kpi) -> None:
    _require_staff(city, actor)
    deleted, _count = MeasureKpiLink.objects.filter(city=city, measure=measure, kpi=kpi).delete()
    if not deleted:
        raise NotFoundError(_("This measure is not linked to that KPI."), field="kpi")
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.unlink_kpi",
        obj=measure,
        details={"kpi": kpi.code},
    )


def _yen(raw: Any, field_name: str) -> Decimal:
    value = _parse_decimal(raw, field_name)
    if value < 0 or value != value.to_integral_value():
        raise DomainError(_("Enter a whole number of yen, zero or more."), field=field_name)
    return value


@transaction.atomic
def measure_cost_set(
    *,
    city: City,
    actor: User | None,
    measure: Measure,
    year: int,
    budget_yen: Decimal | int | str,
    actual_yen: Decimal | int | str | None = None,
) -> MeasureCost:
    """Return the cost row of the fiscal year after setting budget and actual spending."""
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    _check_period(year, 0)
    budget = _yen(budget_yen, "budget_yen")
    actual = None if actual_yen in (None, "") else _yen(actual_yen, "actual_yen")
    cost, _created = MeasureCost.objects.update_or_create(
        city=city, measure=measure, year=year, defaults={"budget_yen": budget, "actual_yen": actual}
    )
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.cost",
        obj=measure,
        details={"year": year, "budget_yen": str(budget), "actual_yen": str(actual or "")},
    )
    return cost


@transaction.atomic
def measure_milestone_add(
    *,
    city: City,
    actor: User | None,
    measure: Measure,
    title_ja: str,
    due_date: date,
    title_en: str = "",
    done_on: date | None = None,
) -> MeasureMilestone:
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    milestone = MeasureMilestone(
        city=city,
        measure=measure,
        title_ja=title_ja.strip(),
        title_en=title_en.strip(),
        due_date=due_date,
        done_on=done_on,
    )
    _clean(milestone)
    milestone.save()
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.milestone",
        obj=measure,
        details={"title": milestone.title_ja, "due": str(due_date)},
    )
    return milestone


# --- participation -------------------------------------------------------------------------


def _primary_role(user: User, city: City) -> str:
    roles = roles_of(user, city)
    for role in (Role.STAFF, Role.BUSINESS, Role.CITIZEN):
        if role in roles or (role == Role.STAFF and Role.ADMIN in roles):
            return str(role)
    return next(iter(sorted(roles)), "")


def _require_member(user: User | None, city: City) -> User:
    if user is None or not user.is_authenticated or not roles_of(user, city):
        raise PermissionDeniedError(_("Sign in as a member of this city to take part."))
    return user


@transaction.atomic
def perspective_rate(
    *, city: City, user: User, measure: Measure, axis: str, score: int
) -> PerspectiveRating:
    """Return the person's rating of one perspective of a measure (replacing an earlier one)."""
    _require_member(user, city)
    _same_city(city, measure, "measure")
    if axis not in Axis.values:
        raise DomainError(_("Choose a perspective."), field="axis")
    if not 1 <= int(score) <= 5:
        raise DomainError(_("Choose a score from 1 to 5."), field="score")
    rating, _created = PerspectiveRating.objects.update_or_create(
        city=city,
        measure=measure,
        rater=user,
        axis=axis,
        defaults={"score": int(score), "role": _primary_role(user, city)},
    )
    return rating


@transaction.atomic
def endorsement_add(*, city: City, user: User, theme: Theme | None = None) -> Endorsement:
    """Return the person's 共感 with the vision or a theme (the existing one if already given)."""
    _require_member(user, city)
    _same_city(city, theme, "theme")
    existing = Endorsement.objects.filter(city=city, user=user, theme=theme).first()
    if existing is not None:
        return existing
    district = (
        Membership.objects.filter(city=city, user=user, district__isnull=False)
        .values_list("district", flat=True)
        .first()
    )
    return Endorsement.objects.create(
        city=city,
        user=user,
        theme=theme,
        district_id=district,
        age_band=user.age_band(timezone.localdate().year),
    )


@transaction.atomic
def endorsement_withdraw(*, city: City, user: User, theme: Theme | None = None) -> bool:
    """Return whether a 共感 was withdrawn."""
    deleted, _count = Endorsement.objects.filter(city=city, user=user, theme=theme).delete()
    return bool(deleted)


@transaction.atomic
def comment_post(
    *,
    city: City,
    user: User,
    body: str,
    stance: str = Stance.SUPPORT,
    theme: Theme | None = None,
    measure: Measure | None = None,
) -> VisionComment:
    """Return a new comment on the vision, a theme or a measure."""
    _require_member(user, city)
    _same_city(city, theme, "theme")
    _same_city(city, measure, "measure")
    body = body.strip()
    if not body:
        raise DomainError(_("Write your comment."), field="body")
    if len(body) > 2000:
        raise DomainError(_("Keep the comment under 2,000 characters."), field="body")
    if stance not in Stance.values:
        raise DomainError(_("Choose your stance."), field="stance")
    return VisionComment.objects.create(
        city=city, user=user, body=body, stance=stance, theme=theme, measure=measure
    )


@transaction.atomic
def comment_hide(*, city: City, actor: User, comment: VisionComment) -> VisionComment:
    require_role(actor, city, Role.STAFF, Role.MODERATOR)
    _same_city(city, comment, "comment")
    comment.hidden = True
    comment.save(update_fields=["hidden"])
    audit_record(city=city, actor=actor, action="vision.comment.hide", obj=comment)
    return comment
