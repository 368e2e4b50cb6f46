"""Writes of the mobility app."""

from __future__ import annotations

from kyoso.mobility.services.crowding import (
    CROWDING_ROLES,
    facility_save,
    facility_status_publish,
)
from kyoso.mobility.services.demand import (
    DEMAND_ROLES,
    demand_flex_import,
    demand_service_save,
    demand_vehicle_save,
)
from kyoso.mobility.services.feeds import (
    FEED_ROLES,
    FeedImportResult,
    feed_delete,
    feed_import,
    feed_upload,
)
from kyoso.mobility.services.realtime import (
    ALERT_TTL,
    DELAY_LIMIT,
    REALTIME_TTL,
    realtime_apply,
    realtime_expire,
    realtime_poll,
    realtime_push,
)
from kyoso.mobility.services.ridership import (
    RIDERSHIP_COLUMNS,
    ridership_import,
)
from kyoso.mobility.services.rides import (
    PROXY_ROLES,
    Place,
    demand_dispatch,
    ride_book,
    ride_cancel,
    travel_model,
)
from kyoso.mobility.services.taxis import taxi_update

__all__ = [
    "ALERT_TTL",
    "CROWDING_ROLES",
    "DELAY_LIMIT",
    "DEMAND_ROLES",
    "FEED_ROLES",
    "PROXY_ROLES",
    "REALTIME_TTL",
    "RIDERSHIP_COLUMNS",
    "FeedImportResult",
    "Place",
    "demand_dispatch",
    "demand_flex_import",
    "demand_service_save",
    "demand_vehicle_save",
    "facility_save",
    "facility_status_publish",
    "feed_delete",
    "feed_import",
    "feed_upload",
    "realtime_apply",
    "realtime_expire",
    "realtime_poll",
    "realtime_push",
    "ride_book",
    "ride_cancel",
    "ridership_import",
    "taxi_update",
    "travel_model",
]
