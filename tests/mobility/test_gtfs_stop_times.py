"""stop_times.txt read in blocks gives exactly what the row-by-row reader gives.

A file with a quote character is read row by row, so each case is read twice: as written
(blocks) and with every field quoted (rows). Arrays and the report must be equal.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from kyoso.mobility.algorithms import gtfs_stop_times
from kyoso.mobility.algorithms.gtfs_feed import read_feed
from tests.mobility.test_gtfs_feed import DONAN, MINIMAL, need, write_feed

FIELDS = (
    "trip_index", "stop_index", "stop_sequence", "arrival", "departure",
    "pickup_type", "drop_off_type", "line",
)  # fmt: skip


def quoted(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for line in text.split("\n"):
        writer.writerow(next(csv.reader([line]), []))
    return out.getvalue().removesuffix("\n")


def read_both(folder: Path, stop_times: str) -> tuple[object, object]:
    (folder / "stop_times.txt").write_text(stop_times, encoding="utf-8")
    plain = read_feed(folder)
    (folder / "stop_times.txt").write_text(quoted(stop_times), encoding="utf-8")
    return plain, read_feed(folder)


def assert_same(plain: object, rows: object) -> None:
    (a, report_a), (b, report_b) = plain, rows  # type: ignore[misc]
    for name in FIELDS:
        x, y = getattr(a.stop_times, name), getattr(b.stop_times, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert a.stop_times.stop_headsign == b.stop_times.stop_headsign
    assert report_a.problems == report_b.problems


def test_donan_blocks_equal_rows(tmp_path: Path) -> None:
    folder = tmp_path / "donan"
    shutil.copytree(need(DONAN), folder)
    text = (folder / "stop_times.txt").read_text(encoding="utf-8-sig")
    plain, rows = read_both(folder, text)
    assert_same(plain, rows)
    assert len(plain[0].stop_times.line) == 20594  # type: ignore[index]
    assert plain[1].ok  # type: ignore[index]


@pytest.mark.parametrize("block", [2, 3, 1000])
def test_irregular_rows_report_the_same_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(gtfs_stop_times, "BLOCK", block)
    folder = write_feed(tmp_path / "f", MINIMAL)
    text = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,stop_headsign,pickup_type\n"
        "T1,24:50:00,24:50:00,駅_1,1, 日立駅 ,\n"
        "T1,,25:00:00,S2,2,,1\n"
        "\n"
        "T1,25:10:00,25:10:00,S9,3,,\n"  # unknown stop
        " T1 ,25:20:00,25:20:00,S2,4,,0\n"  # spaces around an id
        "T1,25:30:00,25:30:00,S2,x,,\n"  # bad stop_sequence
        "T1,25:40:00,25:40:00,S2\n"  # short row
        "T1,25:50:00,25:50:00,S2,7,,9\n"  # bad pickup_type
        "T1,26:00:00,25:59:00,S2,8,,\n"  # departure before arrival
        "T1,27:00:00,27:00:00,S2,9,,2"
    )
    plain, rows = read_both(folder, text)
    assert_same(plain, rows)
    feed, report = plain  # type: ignore[misc]
    where = {(p.line, p.field) for p in report.errors}
    assert {(5, "stop_id"), (7, "stop_sequence"), (8, "stop_sequence"), (9, "pickup_type")} <= where
    assert (10, "departure_time") in where
    assert feed.stop_times.line.tolist()[:3] == [2, 3, 6]
    assert feed.stop_times.arrival.tolist()[1] == 25 * 3600  # a blank side takes the other
    assert feed.stop_times.stop_headsign[0] == "日立駅"
