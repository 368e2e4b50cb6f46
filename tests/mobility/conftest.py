from __future__ import annotations

from pathlib import Path

import pytest

from kyoso.mobility.demo_feed import write_demo_feed
from kyoso.mobility.models import Feed
from kyoso.mobility.services import feed_import
from tests.mobility.factories import write_feed


@pytest.fixture(autouse=True)
def _fresh_caches():  # type: ignore[no-untyped-def]
    from kyoso.mobility.selectors import forget_timetables

    forget_timetables()
    yield
    forget_timetables()


@pytest.fixture
def tiny_feed(city, tmp_path: Path) -> Feed:  # type: ignore[no-untyped-def]
    result = feed_import(city=city, source=write_feed(tmp_path / "tiny"), actor=None)
    assert result.feed is not None, result.errors
    return result.feed


@pytest.fixture
def demo_feed(city, tmp_path: Path) -> Feed:  # type: ignore[no-untyped-def]
    folder = write_demo_feed(tmp_path / "demo")
    result = feed_import(city=city, source=folder, actor=None, is_demo=True)
    assert result.feed is not None, result.errors
    return result.feed
