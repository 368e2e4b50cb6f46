"""Fares of a journey from GTFS Fares v1 (with GTFS-JP rider categories) and GTFS-Fares v2.

A journey's rides are cut into runs of one feed each (one operator publishes one feed);
each run is priced by its own feed's fare tables and the runs are added up, because a
transfer rule of one feed cannot name another feed's legs. A run, or the journey, has no
price (``None``) when any of its rides matches no fare: the page then says 「運賃不明」
instead of showing 0 or a part of the fare.

v1 (fare_attributes + fare_rules): a fare matches a stretch of consecutive rides when every
ride's route matches one of its route rules (or it has none), the first ride starts in an
origin zone and the last ends in a destination zone of its rules (or it has none), and the
stretch has no more rides than ``transfers`` + 1 allows within ``transfer_duration`` of the
first boarding. The cheapest split of the run into such stretches is found by dynamic
programming, so a transfer allowance lowers the price where the feed gives one. Rules with
``contains_id`` need the zones a ride passes through, which Kyoso does not track yet: such a
fare never matches, so the price is unknown rather than wrong. A feed with one fare and no
rules charges it for every ride. GTFS-JP's fare_rider_categories give the price of the same
fare per rider category (e.g. 小学生).

v2 (fare_products, fare_leg_rules, fare_transfer_rules, stop_areas, route networks): each
ride gets the products of its matching leg rule (highest ``rule_priority``; without
priorities an empty field matches only values no other rule names); consecutive rides then
apply ``fare_transfer_rules`` (type 0: A + AB, 1: A + AB + B, 2: AB), with transfer counts and
duration limits. A feed with fare_leg_rules is priced by v2 only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

Rows = list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class FareRide:
    """One ride as fares see it; times in seconds of the service day."""

    route_id: str
    agency_id: str
    from_stop_id: str
    to_stop_id: str
    from_zone: str
    to_zone: str
    depart: int
    arrive: int


@dataclass(frozen=True, slots=True)
class V1Fare:
    price: Decimal
    currency: str
    transfers: int | None  # None: unlimited
    transfer_duration: int | None
    agency_id: str


@dataclass(slots=True)
class FeedFares:
    """The fare tables of one feed, parsed and indexed for pricing."""

    v1: dict[str, V1Fare] = field(default_factory=dict)
    v1_rules: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    category_prices: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    category_names: dict[str, str] = field(default_factory=dict)
    products: dict[str, list[tuple[Decimal, str, str]]] = field(default_factory=dict)
    leg_rules: Rows = field(default_factory=list)
    transfer_rules: Rows = field(default_factory=list)
    stop_areas: dict[str, set[str]] = field(default_factory=dict)
    route_networks: dict[str, str] = field(default_factory=dict)
    default_categories: set[str] = field(default_factory=set)

    @property
    def has_v2(self) -> bool:
        return bool(self.leg_rules)

    @property
    def has_fares(self) -> bool:
        return self.has_v2 or bool(self.v1)


@dataclass(frozen=True, slots=True)
class Price:
    """A price: ``amount`` None when unknown; ``by_category`` maps a rider category's name."""

    amount: Decimal | None
    currency: str = "JPY"
    by_category: Mapping[str, Decimal] = field(default_factory=dict)


def _money(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() and value >= 0 else None


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


def feed_fares(
    attributes: Sequence[tuple[str, Decimal | None, str, int | None, int | None, str]],
    rules: Sequence[tuple[str, str, str, str, str]],
    tables: Mapping[str, Rows],
    route_networks: Mapping[str, str] | None = None,
) -> FeedFares:
    """Return one feed's fare tables from fare_attributes rows (fare_id, price, currency,
    transfers, transfer_duration, agency_id), fare_rules rows (fare_id, route_id, origin_id,
    destination_id, contains_id) and the other fare files by name (rows of text)."""
    out = FeedFares()
    for fare_id, price, currency, transfers, duration, agency in attributes:
        if price is not None:
            out.v1[fare_id] = V1Fare(
                price, currency or "JPY", transfers, duration, (agency or "").strip()
            )
    for fare_id, route, origin, dest, contains in rules:
        out.v1_rules.setdefault(fare_id, []).append((route, origin, dest, contains))
    for row in tables.get("rider_categories", []):
        name = row.get("rider_category_name") or row.get("rider_category_description") or ""
        out.category_names[row.get("rider_category_id", "")] = name
        if row.get("is_default_fare_category", "") == "1":
            out.default_categories.add(row.get("rider_category_id", ""))
    for row in tables.get("fare_rider_categories", []):
        amount = _money(row.get("price", ""))
        if amount is not None:
            out.category_prices[(row.get("fare_id", ""), row.get("rider_category_id", ""))] = amount
    for row in tables.get("fare_products", []):
        amount = _money(row.get("amount", ""))
        if amount is not None:
            out.products.setdefault(row.get("fare_product_id", ""), []).append(
                (amount, row.get("currency", "") or "JPY", row.get("rider_category_id", ""))
            )
    out.leg_rules = list(tables.get("fare_leg_rules", []))
    out.transfer_rules = list(tables.get("fare_transfer_rules", []))
    for row in tables.get("stop_areas", []):
        out.stop_areas.setdefault(row.get("stop_id", ""), set()).add(row.get("area_id", ""))
    out.route_networks = dict(route_networks or {})
    for row in tables.get("route_networks", []):
        out.route_networks[row.get("route_id", "")] = row.get("network_id", "")
    return out


def price_journey(runs: Sequence[tuple[FeedFares, Sequence[FareRide]]]) -> Price:
    """Return the price of a journey given as runs of rides, one feed per run (summed)."""
    total = Decimal(0)
    currency = "JPY"
    categories: dict[str, Decimal] | None = None
    for fares, rides in runs:
        price = price_run(fares, rides)
        if price.amount is None:
            return Price(None)
        total += price.amount
        currency = price.currency
        run_categories = dict(price.by_category)
        categories = (
            run_categories
            if categories is None
            else {k: v + run_categories[k] for k, v in categories.items() if k in run_categories}
        )
    return Price(total, currency, categories or {})


def price_run(fares: FeedFares, rides: Sequence[FareRide]) -> Price:
    """Return the price of consecutive rides of one feed."""
    if not rides:
        return Price(Decimal(0))
    if fares.has_v2:
        return _price_v2(fares, rides)
    if fares.v1:
        return _price_v1(fares, rides)
    return Price(None)


# ---- v1 ------------------------------------------------------------------------------------


def _v1_matches(fares: FeedFares, fare_id: str, stretch: Sequence[FareRide]) -> bool:
    fare = fares.v1[fare_id]
    rules = fares.v1_rules.get(fare_id, [])
    if fare.agency_id and any(r.agency_id and r.agency_id != fare.agency_id for r in stretch):
        return False
    if fare.transfers is not None and len(stretch) > fare.transfers + 1:
        return False
    if (
        len(stretch) > 1
        and fare.transfer_duration is not None
        and stretch[-1].depart - stretch[0].depart > fare.transfer_duration
    ):
        return False
    if not rules:
        return len(fares.v1) == 1
    if any(contains for _, _, _, contains in rules):
        return False
    first, last = stretch[0], stretch[-1]
    if len(stretch) == 1:
        # One ride: a rule fixes its route together with its zones (GTFS-JP tables do).
        return any(
            (not route or route == first.route_id)
            and (not origin or origin == first.from_zone)
            and (not dest or dest == last.to_zone)
            for route, origin, dest, _ in rules
        )
    # Rides on one ticket: every route is the fare's, the trip starts and ends in its zones.
    routes = {route for route, _, _, _ in rules}
    origins = {origin for _, origin, _, _ in rules}
    dests = {dest for _, _, dest, _ in rules}
    return (
        ("" in routes or all(r.route_id in routes for r in stretch))
        and ("" in origins or first.from_zone in origins)
        and ("" in dests or last.to_zone in dests)
    )


def _price_v1(fares: FeedFares, rides: Sequence[FareRide]) -> Price:
    n = len(rides)
    inf = None
    best: list[Decimal | None] = [Decimal(0)] + [inf] * n
    chosen: list[list[str]] = [[] for _ in range(n + 1)]
    for end in range(1, n + 1):
        for start in range(end):
            if best[start] is None:
                continue
            stretch = rides[start:end]
            cheapest = min(
                ((fares.v1[f].price, f) for f in fares.v1 if _v1_matches(fares, f, stretch)),
                default=None,
            )
            if cheapest is None:
                continue
            cost = best[start] + cheapest[0]  # type: ignore[operator]
            if best[end] is None or cost < best[end]:  # type: ignore[operator]
                best[end] = cost
                chosen[end] = [*chosen[start], cheapest[1]]
    if best[n] is None:
        return Price(None)
    used = chosen[n]
    currency = fares.v1[used[0]].currency
    by_category: dict[str, Decimal] = {}
    for category, name in fares.category_names.items():
        prices = [
            fares.category_prices[(f, category)]
            for f in used
            if (f, category) in fares.category_prices
        ]
        if len(prices) == len(used):
            by_category[name or category] = sum(prices, Decimal(0))
    return Price(best[n], currency, by_category)


# ---- v2 ------------------------------------------------------------------------------------


def _leg_rule(fares: FeedFares, ride: FareRide) -> dict[str, str] | None:
    network = fares.route_networks.get(ride.route_id, "")
    areas_from = fares.stop_areas.get(ride.from_stop_id, set())
    areas_to = fares.stop_areas.get(ride.to_stop_id, set())
    named = {
        key: {row.get(key, "") for row in fares.leg_rules} - {""}
        for key in ("network_id", "from_area_id", "to_area_id")
    }
    prioritised = any(row.get("rule_priority", "") for row in fares.leg_rules)

    def fits(row: dict[str, str], key: str, values: set[str]) -> bool:
        want = row.get(key, "")
        if want:
            return want in values
        # Without priorities, an empty field stands for every value no other rule names.
        return prioritised or not (values & named[key])

    matches = [
        row
        for row in fares.leg_rules
        if fits(row, "network_id", {network} if network else set())
        and fits(row, "from_area_id", areas_from)
        and fits(row, "to_area_id", areas_to)
    ]
    if not matches:
        return None
    return max(matches, key=lambda row: _int(row.get("rule_priority")) or 0)


def _product(fares: FeedFares, product_id: str, category: str | None) -> Decimal | None:
    """Return the product's price for ``category`` (None: the default rider)."""
    options = fares.products.get(product_id, [])
    if category is None:
        fitting = [a for a, _, c in options if not c or c in fares.default_categories]
    else:
        fitting = [a for a, _, c in options if c == category]
    return min(fitting, default=None)


def _price_v2(fares: FeedFares, rides: Sequence[FareRide]) -> Price:
    rules = [_leg_rule(fares, r) for r in rides]
    if any(r is None for r in rules):
        return Price(None)
    currency = next(
        (c for rule in rules for _, c, _ in fares.products.get(rule["fare_product_id"], [])),  # type: ignore[index]
        "JPY",
    )
    amount = _v2_total(fares, rides, rules, None)  # type: ignore[arg-type]
    if amount is None:
        return Price(None)
    by_category: dict[str, Decimal] = {}
    named = {c for options in fares.products.values() for _, _, c in options if c}
    for category in sorted(named - fares.default_categories):
        value = _v2_total(fares, rides, rules, category)  # type: ignore[arg-type]
        if value is not None:
            by_category[fares.category_names.get(category) or category] = value
    return Price(amount, currency, by_category)


def _v2_total(
    fares: FeedFares,
    rides: Sequence[FareRide],
    rules: Sequence[dict[str, str]],
    category: str | None,
) -> Decimal | None:
    prices = [_product(fares, rule.get("fare_product_id", ""), category) for rule in rules]
    if any(p is None for p in prices):
        return None
    total = prices[0]
    last_price = prices[0]
    count = 0
    for i in range(1, len(rides)):
        a, b = rules[i - 1], rules[i]
        rule = _transfer_rule(fares, a, b, rides, i, count)
        if rule is None:
            total += prices[i]  # type: ignore[operator]
            last_price, count = prices[i], 0
            continue
        ab_id = rule.get("fare_product_id", "")
        ab = _product(fares, ab_id, category) if ab_id else Decimal(0)
        if ab is None:
            return None
        kind = _int(rule.get("fare_transfer_type")) or 0
        if kind == 0:
            total += ab  # type: ignore[operator]
        elif kind == 1:
            total += ab + prices[i]  # type: ignore[operator]
        else:
            total = total - last_price + ab  # type: ignore[operator]
        last_price = ab
        count += 1
    return total


def _transfer_rule(
    fares: FeedFares,
    a: dict[str, str],
    b: dict[str, str],
    rides: Sequence[FareRide],
    i: int,
    count: int,
) -> dict[str, str] | None:
    for rule in fares.transfer_rules:
        if rule.get("from_leg_group_id", "") not in ("", a.get("leg_group_id", "")):
            continue
        if rule.get("to_leg_group_id", "") not in ("", b.get("leg_group_id", "")):
            continue
        limit = _int(rule.get("transfer_count"))
        if limit is not None and limit != -1 and count + 1 > limit:
            continue
        duration = _int(rule.get("duration_limit"))
        if duration is not None:
            kind = _int(rule.get("duration_limit_type")) or 0
            start = rides[i - 1].depart if kind in (0, 1) else rides[i - 1].arrive
            end = rides[i].depart if kind in (1, 2) else rides[i].arrive
            if end - start > duration:
                continue
        return rule
    return None
