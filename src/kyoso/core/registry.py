"""The one registry through which apps contribute to one another.

Kyoso's apps depend on each other in one direction only::

    core ← vision ← evaluation
    core ← voice, commons, mobility, green, health, datahub

A contribution against that order (a module's section on the city home page, a KPI series
computed by mobility, citizens' acceptance of a measure told by voice) is never imported by
the app that shows it: the contributing app registers an *entry* here in its
``AppConfig.ready()``, and the shown app reads the registry. Entries name their code by a
dotted path (``"kyoso.voice.views.home.home_section"``), resolved on first use, so registering
imports nothing and start-up stays cheap; a callable is accepted too (tests use lambdas).

Kinds of entry (each a :class:`Registry` below):

* :data:`MODULES` — :class:`Module`: navigation, city-home and "my page" sections;
* :data:`KPI_PROVIDERS` — :class:`KpiProvider`: yearly series a KPI can follow (vision);
* :data:`ACCEPTANCE_SOURCES` — :class:`AcceptanceSource`: citizens' acceptance of measures
  (evaluation's portfolio review);
* :data:`MEASURE_SECTIONS` — :class:`PageSection`: fragments on vision's measure page;
* :data:`MEASURE_DIRECTORIES` — :class:`MeasureDirectory`: the city's measures, so an app that
  links to one (a company's adopted measure in green) can list and check them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.utils.functional import Promise
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kyoso.core.models import City

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: Code named by a dotted path (resolved on first use) or given directly.
Ref = str | Callable[..., Any]


@cache
def _import(path: str) -> Callable[..., Any]:
    return import_string(path)


def resolve(ref: Ref) -> Callable[..., Any]:
    """Return the callable ``ref`` names, importing its module the first time it is used."""
    return _import(ref) if isinstance(ref, str) else ref


class Registry(Generic[T]):
    """Entries of one kind, keyed by a string; registering again under a key replaces it."""

    def __init__(self, kind: str, sort_key: Callable[[T], Any]) -> None:
        self.kind = kind
        self._sort_key = sort_key
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> None:
        self._entries[key] = entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def entries(self) -> list[T]:
        return sorted(self._entries.values(), key=self._sort_key)


# --- modules: navigation and sections of the shared pages ----------------------------------

# A section renders a fragment of HTML for the page, or None when it has nothing to show.
Section = Callable[["HttpRequest", "City"], str | None]


@dataclass(frozen=True)
class Module:
    app_label: str
    label: str | Promise  # a lazy translation string
    url_name: str  # reversed with the city slug
    description: str | Promise = ""
    order: int = 100
    staff_only: bool = False
    home_section: Section | str | None = None
    mypage_section: Section | str | None = None
    staff_links: tuple[tuple[str | Promise, str], ...] = field(default_factory=tuple)
    # Links in every page's footer of a city: (label, url name reversed with the city slug).
    footer_links: tuple[tuple[str | Promise, str], ...] = field(default_factory=tuple)

    def render_home(self, request: HttpRequest, city: City) -> str | None:
        return resolve(self.home_section)(request, city) if self.home_section else None

    def render_mypage(self, request: HttpRequest, city: City) -> str | None:
        return resolve(self.mypage_section)(request, city) if self.mypage_section else None


MODULES: Registry[Module] = Registry("module", lambda m: (m.order, m.app_label))


def register_module(module: Module) -> None:
    MODULES.register(module.app_label, module)


def modules() -> list[Module]:
    """Return the registered modules in navigation order."""
    return MODULES.entries()


# --- KPI providers: series other apps compute for a KPI to follow --------------------------

ProviderFn = Callable[..., Sequence[tuple[int, Decimal | float | int]]]


@dataclass(frozen=True)
class KpiProvider:
    key: str
    label: Any  # a lazy translation string
    ref: Ref  # (city, kpi) -> [(year, value), ...]

    @property
    def fn(self) -> ProviderFn:
        return resolve(self.ref)


KPI_PROVIDERS: Registry[KpiProvider] = Registry("kpi provider", lambda p: p.key)


# --- acceptance sources: what citizens think of measures ----------------------------------


@dataclass(frozen=True)
class AcceptanceSignal:
    score: float  # 0..1
    weight: float  # people (or equivalent) behind the score
    detail: str = ""


SourceFn = Callable[..., Mapping[int, AcceptanceSignal]]


@dataclass(frozen=True)
class AcceptanceSource:
    key: str
    label: Any
    ref: Ref  # (city, measures) -> {measure_id: AcceptanceSignal}

    @property
    def fn(self) -> SourceFn:
        return resolve(self.ref)


ACCEPTANCE_SOURCES: Registry[AcceptanceSource] = Registry("acceptance source", lambda s: s.key)


# --- page sections other apps add to a page of another ------------------------------------


@dataclass(frozen=True)
class PageSection:
    """A fragment another app adds to a page: ``ref(request, city, obj) -> str | None``."""

    key: str
    ref: Ref
    order: int = 100

    def render(self, request: HttpRequest, city: City, obj: Any) -> str | None:
        return resolve(self.ref)(request, city, obj)


MEASURE_SECTIONS: Registry[PageSection] = Registry("measure section", lambda s: (s.order, s.key))


# --- KPI statuses: how a KPI is doing, shown beside it on vision's pages ------------------


@dataclass(frozen=True)
class KpiStatusSource:
    """``ref(kpis) -> {kpi_id: status}`` where a status has ``label`` and ``css``."""

    key: str
    ref: Ref

    def statuses(self, kpis: Sequence[Any]) -> Mapping[int, Any]:
        return resolve(self.ref)(kpis)


KPI_STATUSES: Registry[KpiStatusSource] = Registry("KPI status", lambda s: s.key)


def kpi_statuses(kpis: Sequence[Any]) -> dict[int, Any]:
    """Return the status of each KPI from every registered source (later keys win)."""
    out: dict[int, Any] = {}
    for source in KPI_STATUSES.entries():
        out.update(source.statuses(kpis))
    return out


# --- scheduled tasks: what the worker enqueues by itself ----------------------------------


@dataclass(frozen=True)
class ScheduledTask:
    """A task (dotted path of a ``@task()`` without arguments) the worker enqueues every
    ``every_seconds`` (``kyoso worker``)."""

    key: str
    ref: str
    every_seconds: int

    def enqueue(self) -> None:
        resolve(self.ref).enqueue()  # type: ignore[attr-defined]


SCHEDULED_TASKS: Registry[ScheduledTask] = Registry("scheduled task", lambda s: s.key)


# --- open-data generators: tables other apps build for the data hub's catalogue ------------


@dataclass(frozen=True)
class DataTable:
    """Rows an app builds from its own data for an open-data resource.

    A count table (``count`` names the column counting people in each row) keys each row by
    ``dimensions``: the last two are the grid the data hub suppresses small cells in (e.g.
    district × category); any before them split the table into separate grids (e.g. year).
    """

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    dimensions: tuple[str, ...] = ()
    count: str = ""


@dataclass(frozen=True)
class DataGenerator:
    """``ref(city) -> DataTable``; ``people`` marks rows derived from people."""

    key: str
    label: Any  # a lazy translation string
    ref: Ref
    people: bool = False

    def build(self, city: City) -> DataTable:
        return resolve(self.ref)(city)


DATA_GENERATORS: Registry[DataGenerator] = Registry("data generator", lambda g: g.key)


def register_data_generator(generator: DataGenerator) -> None:
    DATA_GENERATORS.register(generator.key, generator)


# --- the measure directory: the city's measures, for apps that link to them ---------------


@dataclass(frozen=True)
class MeasureEntry:
    """A measure of the city's plan as other apps may show and link it."""

    id: int
    title: str
    url: str


@dataclass(frozen=True)
class MeasureDirectory:
    """``ref(city) -> [MeasureEntry, ...]``: the measures an app (vision) keeps for a city."""

    key: str
    ref: Ref

    def entries(self, city: City) -> Sequence[MeasureEntry]:
        return resolve(self.ref)(city)


MEASURE_DIRECTORIES: Registry[MeasureDirectory] = Registry("measure directory", lambda d: d.key)


def city_measures(city: City) -> list[MeasureEntry]:
    """Return the city's measures from every registered directory (none without vision)."""
    return [e for d in MEASURE_DIRECTORIES.entries() for e in d.entries(city)]

# --- map layers: what other apps draw on the city's own base map --------------------------


@dataclass(frozen=True)
class MapLayer:
    """``ref(city) -> [GeoJSON Feature, ...]`` drawn on the offline base map (stations, stops,
    route lines, facilities). Each feature's properties carry ``layer`` (its kind, e.g. ``stop``,
    ``route``, ``hospital``), ``name_ja`` and ``name_en``; named points also enter the gazetteer
    the place picker searches."""

    key: str
    ref: Ref
    order: int = 100

    def features(self, city: City) -> list[dict[str, Any]]:
        return list(resolve(self.ref)(city))


MAP_LAYERS: Registry[MapLayer] = Registry("map layer", lambda m: (m.order, m.key))
