"""Every app's compiled catalogue is current, and words keep their meaning across apps.

Completeness (no empty or fuzzy entry) is checked in test_catalogues.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2] / "src" / "kyoso"


def _apps_with_pages() -> list[Path]:
    return sorted(p.parent for p in APPS.glob("*/templates") if p.is_dir())


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("app", _apps_with_pages(), ids=lambda p: p.name)
def test_the_compiled_catalogue_matches_its_source(app: Path, tmp_path: Path) -> None:
    po = app / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", compiled, po], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"run `make messages`: {app.name}'s django.mo is older than its django.po"
    )


def test_words_that_mean_different_things_in_different_apps_keep_their_meaning() -> None:
    """Django merges the apps' catalogues (the first app wins), so a word whose meaning differs
    between apps carries a context: a ranking's "Place" is 順位, an event's is 場所."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("ja"):
        assert pgettext("rank", "Place") == "順位" and gettext("Place") == "場所"
        assert pgettext("voting period", "Open") == "受付期間" and gettext("Open") == "開く"
        assert pgettext("clinic days", "closed") == "休診" and gettext("closed") == "対応済み"
        assert pgettext("appointment", "done") == "受診済み"
        assert pgettext("help request", "accepted") == "引き受けた"
