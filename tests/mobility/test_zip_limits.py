"""A GTFS zip is unpacked only within limits: a zip bomb stops early and imports nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kyoso.mobility import services
from kyoso.mobility.algorithms.gtfs_feed import FeedLimits, FeedTooLargeError, read_feed
from kyoso.mobility.models import Feed
from tests.mobility.factories import write_feed


def _zip(folder: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return target


def test_a_real_shaped_feed_passes_the_default_limits(tmp_path: Path) -> None:
    feed, report = read_feed(_zip(write_feed(tmp_path / "f"), tmp_path / "f.zip"))
    assert report.ok and feed.stops


def test_a_zip_bomb_stops_at_the_ratio_limit(tmp_path: Path) -> None:
    # 16 MiB of one repeated line packs to about 16 KiB: a thousand to one.
    bomb = b"x,0,0\n" * (16 * 2**20 // 6)
    source = _zip(write_feed(tmp_path / "f"), tmp_path / "bomb.zip", {"notes.txt": bomb})
    assert source.stat().st_size < 2 * 2**20
    with pytest.raises(FeedTooLargeError, match="times its packed size"):
        read_feed(source)


def test_the_total_and_entry_limits_hold(tmp_path: Path) -> None:
    source = _zip(write_feed(tmp_path / "f"), tmp_path / "f.zip")
    with pytest.raises(FeedTooLargeError, match="unpacks to more than"):
        read_feed(source, FeedLimits(max_total_bytes=200, max_file_bytes=10**9))
    many = _zip(
        write_feed(tmp_path / "g"),
        tmp_path / "many.zip",
        {f"extra/{n}.txt": b"a\n" for n in range(600)},
    )
    with pytest.raises(FeedTooLargeError, match="entries"):
        read_feed(many)


@pytest.mark.django_db
def test_the_import_reports_the_bomb_and_keeps_the_current_feed(city, tmp_path: Path) -> None:
    assert services.feed_import(city=city, source=write_feed(tmp_path / "ok"), actor=None).ok
    bomb = b"x,0,0\n" * (16 * 2**20 // 6)
    source = _zip(write_feed(tmp_path / "f"), tmp_path / "bomb.zip", {"notes.txt": bomb})
    result = services.feed_import(city=city, source=source, actor=None)
    assert not result.ok
    assert any("zip bomb" in p.message for p in result.problems)
    assert Feed.objects.filter(city=city).count() == 1
