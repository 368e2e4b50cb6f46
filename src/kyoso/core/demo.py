"""The demo city: 日立市 (Hitachi City) with public figures, and 高萩市 beside it for isolation.

Deterministic and idempotent: a second run finds the current demo version and returns at once.
Every app may add its own demo content in ``kyoso.<app>.demo.load(city, rng)``; it is called
for each demo city after the core data, in INSTALLED_APPS order, inside one transaction.
"""

from __future__ import annotations

import base64
import importlib
import math
import random
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyoso.core.demo_places import make_places
from kyoso.core.geometry.voronoi import as_geojson_polygon, voronoi_cells
from kyoso.core.models import (
    City,
    District,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from kyoso.core.services import organisation_ensure
from kyoso.core.services.themes import theme_catalogue_ensure

DEMO_VERSION = "2026.12.5"
DEMO_PASSWORD = "kyoso-demo-2026"  # noqa: S105 - printed by `make demo`, demo accounts only
# The authenticator key of every demo account that must use two-step sign-in (staff, clinic,
# moderator, admin): `kyoso demo_code` prints the code it gives now. Demo accounts only.
DEMO_TOTP_KEY = "6b796f736f2d64656d6f2d746f74702d32303236"  # hex of "kyoso-demo-totp-2026"

# The 23 school-district communities, north to south; centres are approximate (demo data).
HITACHI_DISTRICTS: list[tuple[str, str, str, float, float]] = [
    ("juo", "十王", "Juo", 36.676, 140.681),
    ("toyoura", "豊浦", "Toyoura", 36.652, 140.688),
    ("tajiri", "田尻", "Tajiri", 36.630, 140.672),
    ("hidaka", "日高", "Hidaka", 36.622, 140.652),
    ("ose", "会瀬", "Ose", 36.606, 140.670),
    ("namekawa", "滑川", "Namekawa", 36.611, 140.648),
    ("miyata", "宮田", "Miyata", 36.598, 140.638),
    ("nakakoji", "中小路", "Nakakoji", 36.593, 140.655),
    ("sukegawa", "助川", "Sukegawa", 36.586, 140.646),
    ("nakamachi", "仲町", "Nakamachi", 36.584, 140.661),
    ("narusawa", "成沢", "Narusawa", 36.575, 140.643),
    ("yunawago", "油縄子", "Yunawago", 36.569, 140.636),
    ("hanayama", "塙山", "Hanayama", 36.563, 140.621),
    ("kanesawa", "金沢", "Kanesawa", 36.570, 140.654),
    ("okubo", "大久保", "Okubo", 36.559, 140.645),
    ("taga", "多賀", "Taga", 36.551, 140.632),
    ("kawarago", "河原子", "Kawarago", 36.545, 140.650),
    ("onuma", "大沼", "Onuma", 36.537, 140.626),
    ("mizuki", "水木", "Mizuki", 36.530, 140.640),
    ("sakamoto", "坂本", "Sakamoto", 36.526, 140.612),
    ("nanbu", "南部", "Nanbu", 36.515, 140.632),
    ("omika", "大みか", "Omika", 36.508, 140.618),
    ("kuji", "久慈", "Kuji", 36.494, 140.615),
]

# A rough outline of the city (lon, lat): the Pacific coast on the east, hills on the west.
HITACHI_OUTLINE: list[tuple[float, float]] = [
    (140.640, 36.722),
    (140.706, 36.716),
    (140.701, 36.662),
    (140.686, 36.622),
    (140.674, 36.590),
    (140.664, 36.556),
    (140.650, 36.522),
    (140.634, 36.492),
    (140.618, 36.474),
    (140.585, 36.479),
    (140.573, 36.518),
    (140.585, 36.565),
    (140.597, 36.618),
    (140.610, 36.668),
]

TAKAHAGI_DISTRICTS: list[tuple[str, str, str, float, float]] = [
    ("takahagi", "高萩", "Takahagi", 36.719, 140.716),
    ("akahama", "赤浜", "Akahama", 36.741, 140.726),
    ("hanakawa", "華川", "Hanakawa", 36.757, 140.690),
]
TAKAHAGI_OUTLINE: list[tuple[float, float]] = [
    (140.650, 36.725),
    (140.712, 36.716),
    (140.735, 36.775),
    (140.660, 36.790),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    display_name: str
    birth_year: int | None = None
    district: str = ""
    organisation: str = ""  # the code of one of the city's demo organisations


# code, Japanese name, English name, kind: who owns facilities and data in the demo city.
HITACHI_ORGANISATIONS = [
    ("sukegawa-seiki", "助川精機株式会社 (demo)", "Sukegawa Seiki (demo)", OrganisationKind.BUSINESS),
    ("taga-kodomo-clinic", "多賀こどもクリニック (demo)", "Taga Children's Clinic (demo)",
     OrganisationKind.CLINIC),
    ("hitachi-kotsu", "ひたち交通 (demo)", "Hitachi Kotsu (demo)", OrganisationKind.OPERATOR),
    ("hitachi-general-hospital", "日立総合病院", "Hitachi General Hospital",
     OrganisationKind.HOSPITAL),
    ("hitachi-medical-center", "ひたち医療センター", "Hitachi Medical Center",
     OrganisationKind.HOSPITAL),
]  # fmt: skip


HITACHI_ACCOUNTS = [
    DemoAccount("citizen@hitachi.example", Role.CITIZEN, "日立 はな", 1952, "kawarago"),
    DemoAccount("young@hitachi.example", Role.CITIZEN, "大みか 翔", 1998, "omika"),
    DemoAccount("staff@hitachi.example", Role.STAFF, "市役所 次世代未来都市推進課"),
    DemoAccount(
        "business@hitachi.example",
        Role.BUSINESS,
        "助川精機",
        organisation="sukegawa-seiki",
    ),
    DemoAccount(
        "clinic@hitachi.example",
        Role.CLINIC,
        "多賀こどもクリニック",
        organisation="taga-kodomo-clinic",
    ),
    DemoAccount(
        "operator@hitachi.example",
        Role.OPERATOR,
        "ひたち交通 運行管理",
        organisation="hitachi-kotsu",
    ),
    DemoAccount("moderator@hitachi.example", Role.MODERATOR, "モデレーター"),
    DemoAccount("admin@hitachi.example", Role.ADMIN, "管理者"),
]
TAKAHAGI_ACCOUNTS = [
    DemoAccount("staff@takahagi.example", Role.STAFF, "高萩市 職員"),
    DemoAccount("citizen@takahagi.example", Role.CITIZEN, "高萩 一郎", 1960, "takahagi"),
]


def _split_population(total: int, n: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _make_districts(
    city: City,
    specs: list[tuple[str, str, str, float, float]],
    outline: list[tuple[float, float]],
    rng: random.Random,
) -> list[District]:
    sites = [(lon, lat) for *_names, lat, lon in specs]
    cells = voronoi_cells(sites, outline, lat_scale=1 / math.cos(math.radians(36.6)))
    populations = _split_population(city.population, len(specs), rng)
    districts = [
        District(
            city=city,
            code=code,
            name_ja=ja,
            name_en=en,
            population=populations[i],
            aged_65_plus_percent=Decimal(str(round(rng.uniform(27, 42), 1))),
            center_lat=lat,
            center_lon=lon,
            outline=as_geojson_polygon(cells[i]),
            sort_order=i,
        )
        for i, (code, ja, en, lat, lon) in enumerate(specs)
    ]
    return District.objects.bulk_create(districts)


def _make_organisations(city: City) -> dict[str, Organisation]:
    specs = HITACHI_ORGANISATIONS if city.slug == "hitachi" else []
    return {
        code: organisation_ensure(
            city=city, code=code, name_ja=ja, name_en=en, kind=kind, is_demo=True
        )
        for code, ja, en, kind in specs
    }


def _make_accounts(city: City, accounts: list[DemoAccount]) -> None:
    districts = {d.code: d for d in District.objects.filter(city=city)}
    organisations = _make_organisations(city)
    for spec in accounts:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(
                spec.email,
                DEMO_PASSWORD,
                display_name=spec.display_name,
                birth_year=spec.birth_year,
                # A city's administrator is not a platform superuser: admin of this city only.
                is_staff=False,
                is_superuser=False,
            )
        elif user.is_superuser:  # demos loaded before city admins stopped being superusers
            User.objects.filter(pk=user.pk).update(is_superuser=False, is_staff=False)
        roles = {spec.role, Role.CITIZEN} if spec.role != Role.ADMIN else {Role.ADMIN, Role.STAFF}
        for role in roles:
            Membership.objects.get_or_create(
                city=city,
                user=user,
                role=role,
                defaults={
                    "district": districts.get(spec.district),
                    "organisation": organisations.get(spec.organisation),
                },
            )
        if roles & set(settings.KYOSO_SECOND_STEP_ROLES):
            TOTPDevice.objects.get_or_create(
                user=user, name="Kyoso demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
            )


def _load_app_content(city: City, seed: int) -> None:
    theme_catalogue_ensure(city=city)  # every app files its demo content under these themes
    for config in apps.get_app_configs():
        if not config.name.startswith("kyoso.") or config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        module.load(city, random.Random(f"{seed}-{config.label}"))


def _purge(queryset: models.QuerySet) -> None:
    """Delete the rows and, first, whatever protects them (audit records included).

    Only the demo cities are ever purged: their history is invented, so nothing is lost.
    """
    for _attempt in range(20):
        try:
            with transaction.atomic():
                queryset.delete()
            return
        except (ProtectedError, RestrictedError) as exc:
            blockers = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            by_model: dict[type[models.Model], list[object]] = {}
            for obj in blockers:
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                _purge(model._base_manager.filter(pk__in=pks))
    queryset.delete()


def load_demo(*, reset: bool = False) -> list[City]:
    """Return the demo cities, creating them unless the current demo version is loaded."""
    current = City.objects.filter(is_demo=True, rules__demo_version=DEMO_VERSION)
    if not reset and current.count() == 2:
        return list(current.order_by("municipality_code"))
    with transaction.atomic():
        _purge(City.objects.filter(slug__in=["hitachi", "takahagi"]))
        # Demo people live only in the demo cities' reserved e-mail domains.
        _purge(
            User.objects.filter(
                models.Q(email__endswith="@hitachi.example")
                | models.Q(email__endswith="@takahagi.example")
            )
        )
        hitachi = City.objects.create(
            slug="hitachi",
            name_ja="日立市",
            name_en="Hitachi City",
            municipality_code="082023",
            prefecture_ja="茨城県",
            prefecture_en="Ibaraki",
            population=166_000,
            population_as_of=date(2024, 4, 1),
            households=77_911,
            aged_65_plus_percent=Decimal("34.6"),
            secondary_industry_percent=Decimal("37.3"),
            area_km2=Decimal("225.73"),
            center_lat=36.590,
            center_lon=140.650,
            map_zoom=11,
            is_demo=True,
            rules={"demo_version": DEMO_VERSION},
        )
        takahagi = City.objects.create(
            slug="takahagi",
            name_ja="高萩市",
            name_en="Takahagi City",
            municipality_code="082147",
            prefecture_ja="茨城県",
            prefecture_en="Ibaraki",
            population=26_500,
            population_as_of=date(2024, 4, 1),
            aged_65_plus_percent=Decimal("37.9"),
            area_km2=Decimal("193.58"),
            center_lat=36.745,
            center_lon=140.700,
            map_zoom=12,
            is_demo=True,
            rules={"demo_version": DEMO_VERSION},
        )
        for city, specs, outline, accounts in (
            (hitachi, HITACHI_DISTRICTS, HITACHI_OUTLINE, HITACHI_ACCOUNTS),
            (takahagi, TAKAHAGI_DISTRICTS, TAKAHAGI_OUTLINE, TAKAHAGI_ACCOUNTS),
        ):
            rng = random.Random(int(city.municipality_code))
            _make_districts(city, specs, outline, rng)
            make_places(city)
            _make_accounts(city, accounts)
            _load_app_content(city, int(city.municipality_code))
    return [hitachi, takahagi]


def demo_accounts() -> list[DemoAccount]:
    return HITACHI_ACCOUNTS + TAKAHAGI_ACCOUNTS


def demo_totp_secret() -> str:
    """Return the demo authenticator key in base32, as an authenticator app takes it."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")


def demo_totp_code(at: float | None = None) -> str:
    """Return the 6-digit code the demo accounts' authenticator gives at ``at`` (now)."""
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def demo_totp_code_usable(user: User) -> str:
    """Return a demo code the account's authenticator will accept now, or "" if none will.

    A code works once: after a sign-in in this 30-second step, the next step's code (which the
    device still accepts) is the one to type.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY).first()
    if device is None:
        return ""
    now = time.time()
    step = max(int(now // 30), device.last_t + 1)
    if step > int(now // 30) + device.tolerance:
        return ""
    return demo_totp_code(step * 30)


def is_demo_account(email: str) -> bool:
    """Return whether the address is one of the demo accounts (never true in production)."""
    return not settings.PRODUCTION and any(a.email == email for a in demo_accounts())
