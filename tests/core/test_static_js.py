"""Kyoso's own JavaScript parses: one syntax error in map.js would blank every map silently."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kyoso"
OWN_SCRIPTS = sorted(p for p in SRC.glob("*/static/**/*.js") if "vendor" not in p.parts)


def test_there_are_scripts_to_check() -> None:
    assert any(p.name == "map.js" for p in OWN_SCRIPTS)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js checks the syntax")
@pytest.mark.parametrize("script", OWN_SCRIPTS, ids=lambda p: str(p.relative_to(SRC)))
def test_script_parses(script: Path) -> None:
    node = shutil.which("node") or "node"
    result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
