"""Start-up stays light: numeric libraries load on the first request that needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "scipy", "numba", "sklearn", "statsmodels", "httpx")


def _run(code: str, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kyoso.settings",
        "KYOSO_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": "",
        "PYTHONPATH": str(ROOT / "src"),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def test_loading_the_urlconf_imports_no_numeric_library(tmp_path: Path) -> None:
    code = (
        "import django, json, sys; django.setup()\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    assert json.loads(_run(code, tmp_path)) == []


def test_importing_settings_creates_no_directory(tmp_path: Path) -> None:
    code = "import kyoso.settings; print('ok')"
    assert _run(code, tmp_path) == "ok"
    assert not (tmp_path / "var").exists()
