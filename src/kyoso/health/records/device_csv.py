"""Blood-pressure monitor exports (CSV) read into plain measurements.

Home monitors export one row per reading with Japanese headers, e.g.
``測定日,測定時刻,最高血圧(mmHg),最低血圧(mmHg),脈拍(拍/分)``; English exports use
``Date,Time,SYS,DIA,Pulse``. Both are accepted; Shift_JIS files are decoded too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

HEADERS = {
    "date": ("測定日", "日付", "date", "measurement date"),
    "time": ("測定時刻", "時刻", "time"),
    "systolic": ("最高血圧(mmhg)", "最高血圧", "収縮期血圧", "sys", "systolic", "sys(mmhg)"),
    "diastolic": ("最低血圧(mmhg)", "最低血圧", "拡張期血圧", "dia", "diastolic", "dia(mmhg)"),
    "pulse": ("脈拍(拍/分)", "脈拍", "pulse", "pulse(bpm)"),
}


class DeviceCsvError(ValueError):
    def __init__(self, message: str, *, line: int, column: str = "") -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.column = column


@dataclass(frozen=True)
class BloodPressureReading:
    measured_at: datetime  # aware, Asia/Tokyo
    systolic: int
    diastolic: int
    pulse: int | None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeviceCsvError("the file is neither UTF-8 nor Shift_JIS", line=1)


def _column(header: list[str], key: str) -> int | None:
    names = [
        h.strip().lower().replace(" ", "").replace("（", "(").replace("）", ")") for h in header
    ]
    for alias in HEADERS[key]:
        if alias.replace(" ", "") in names:
            return names.index(alias.replace(" ", ""))
    return None


def _int(value: str, *, line: int, column: str, low: int, high: int) -> int:
    try:
        number = int(
            float(value.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        )
    except ValueError as exc:
        raise DeviceCsvError(
            f"{column} {value!r} is not a number", line=line, column=column
        ) from exc
    if not low <= number <= high:
        raise DeviceCsvError(f"{column} {number} is outside {low}–{high}", line=line, column=column)
    return number


def read_blood_pressure_csv(data: bytes) -> list[BloodPressureReading]:
    """Return the readings of a monitor's CSV export; raises DeviceCsvError naming line and column."""
    rows = list(csv.reader(io.StringIO(_decode(data))))
    if not rows:
        raise DeviceCsvError("the file is empty", line=1)
    header = rows[0]
    cols = {key: _column(header, key) for key in HEADERS}
    for needed in ("date", "systolic", "diastolic"):
        if cols[needed] is None:
            raise DeviceCsvError(f"no {needed} column in the header", line=1, column=needed)
    readings = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            raw_date = row[cols["date"]].strip().replace("/", "-")  # type: ignore[index]
            day = date.fromisoformat("-".join(p.zfill(2) for p in raw_date.split("-")))
        except (ValueError, IndexError) as exc:
            raise DeviceCsvError("the date is not YYYY/MM/DD", line=number, column="date") from exc
        moment = time(0, 0)
        if cols["time"] is not None and len(row) > cols["time"] and row[cols["time"]].strip():
            try:
                moment = time.fromisoformat(row[cols["time"]].strip().zfill(5))
            except ValueError as exc:
                raise DeviceCsvError("the time is not HH:MM", line=number, column="time") from exc
        try:
            sys_raw = row[cols["systolic"]]  # type: ignore[index]
            dia_raw = row[cols["diastolic"]]  # type: ignore[index]
        except IndexError as exc:
            raise DeviceCsvError("the row is too short", line=number) from exc
        systolic = _int(sys_raw, line=number, column="systolic", low=50, high=300)
        diastolic = _int(dia_raw, line=number, column="diastolic", low=20, high=200)
        pulse = None
        if cols["pulse"] is not None and len(row) > cols["pulse"] and row[cols["pulse"]].strip():
            pulse = _int(row[cols["pulse"]], line=number, column="pulse", low=20, high=250)
        readings.append(
            BloodPressureReading(
                datetime.combine(day, moment, tzinfo=TOKYO), systolic, diastolic, pulse
            )
        )
    return readings
