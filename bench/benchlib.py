"""What every benchmark shares: the machine's load, median and spread, and finding ``uv``.

Not a benchmark itself (``make bench`` runs the other ``bench/*.py`` files).
"""

from __future__ import annotations

import os
import shutil
import statistics
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KYOSO_SHARED_DATA", ROOT.parent / "shared" / "data"))


def load() -> list[float]:
    """Return the 1, 5 and 15 minute load averages, rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "load_before": load()}


def spread(values: list[float], digits: int = 4) -> dict[str, Any]:
    """Return the median, the lowest and highest value and every run."""
    if not values:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def uv() -> str:
    """Return the uv the Makefile uses: on PATH, else ``~/.local/bin/uv`` (where make puts it)."""
    found = shutil.which("uv")
    if found:
        return found
    local = Path.home() / ".local" / "bin" / "uv"
    if local.exists():
        return str(local)
    raise FileNotFoundError("uv not found on PATH or in ~/.local/bin: run `make install` first")
