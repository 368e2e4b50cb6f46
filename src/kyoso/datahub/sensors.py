"""The demo's city sensors and the simulator that publishes their readings over MQTT.

Plausible, invented values (labelled demo): air quality, river level, noise, footfall at
stations, EV chargers, streetlights, and a factory's electricity meter."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kyoso.datahub.services.devices import PropertySpec


@dataclass(frozen=True, slots=True)
class DemoSensor:
    key: str
    name: str
    entity_type: str
    lat: float
    lon: float
    properties: tuple[PropertySpec, ...]
    owner: str = ""


DEMO_SENSORS: tuple[DemoSensor, ...] = (
    DemoSensor("air-omika", "大みか町 大気測定局", "AirQualityObserved", 36.5335, 140.6237,
               (PropertySpec("pm25", "µg/m3", 0, 1000), PropertySpec("no2", "ppm", 0, 2),
                PropertySpec("temperature", "°C", -30, 50))),
    DemoSensor("air-taga", "多賀 大気測定局", "AirQualityObserved", 36.5597, 140.6468,
               (PropertySpec("pm25", "µg/m3", 0, 1000), PropertySpec("no2", "ppm", 0, 2))),
    DemoSensor("river-sakura", "桜川 水位計", "WaterObserved", 36.5918, 140.6556,
               (PropertySpec("waterLevel", "m", 0, 10),)),
    DemoSensor("noise-hitachi-sta", "日立駅前 騒音計", "NoiseLevelObserved", 36.5907, 140.6620,
               (PropertySpec("LAeq", "dB(A)", 20, 140),)),
    DemoSensor("footfall-hitachi-sta", "日立駅 人流カウンター", "CrowdFlowObserved", 36.5903, 140.6610,
               (PropertySpec("peopleCount", "人/15分", 0, 20000),)),
    DemoSensor("ev-city-hall", "市役所 EV 充電器", "EVChargingStation", 36.5992, 140.6513,
               (PropertySpec("occupiedSpots", "基", 0, 4), PropertySpec("powerKW", "kW", 0, 200))),
    DemoSensor("light-heiwa-dori", "平和通り 街路灯", "Streetlight", 36.5960, 140.6560,
               (PropertySpec("powerW", "W", 0, 500), PropertySpec("illuminanceLevel", "%", 0, 100))),
    DemoSensor("meter-sukegawa", "助川精機 電力量計", "Device", 36.6100, 140.6400,
               (PropertySpec("activePowerKW", "kW", 0, 5000),), owner="助川精機株式会社"),
)  # fmt: skip


def simulated_values(sensor: DemoSensor, moment: datetime, rng: random.Random) -> dict[str, float]:
    """Return one plausible reading of every property of ``sensor`` at ``moment``."""
    local = moment.astimezone(ZoneInfo("Asia/Tokyo"))
    hour = local.hour + local.minute / 60
    day = 0.5 - 0.5 * math.cos((hour - 4) / 24 * 2 * math.pi)  # 0 at 04:00, 1 at 16:00
    rush = math.exp(-((hour - 8) ** 2) / 2) + math.exp(-((hour - 18) ** 2) / 2)
    night = hour < 5.5 or hour > 17.5
    out: dict[str, float] = {}
    for prop in sensor.properties:
        name = prop.name
        if name == "pm25":
            v = 8 + 10 * rush + rng.gauss(0, 2)
        elif name == "no2":
            v = 0.005 + 0.015 * rush + rng.gauss(0, 0.002)
        elif name == "temperature":
            v = 6 + 8 * day + rng.gauss(0, 0.5)
        elif name == "waterLevel":
            v = 1.2 + 0.1 * math.sin(hour / 12 * math.pi) + rng.gauss(0, 0.02)
        elif name == "LAeq":
            v = 45 + 20 * day + 8 * rush + rng.gauss(0, 2)
        elif name == "peopleCount":
            v = round(max(0, 40 + 900 * rush + 150 * day + rng.gauss(0, 30)))
        elif name == "occupiedSpots":
            v = min(4, max(0, round(3 * day + rng.gauss(0, 0.7))))
        elif name == "powerKW":
            v = 0.0
        elif name == "powerW":
            v = 180 + rng.gauss(0, 3) if night else 0.0
        elif name == "illuminanceLevel":
            v = 100.0 if night else 0.0
        elif name == "activePowerKW":
            working = local.weekday() < 5 and 8 <= hour < 18
            v = (80 if working else 12) + rng.gauss(0, 4)
        else:
            v = rng.random()
        out[name] = round(max(v, 0.0), 4)
    if "powerKW" in out:
        out["powerKW"] = round(out.get("occupiedSpots", 0) * 6.5 + abs(rng.gauss(0, 0.5)), 2)
    return out
