from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "kyoso.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key(tmp_path):
    result = _run(
        {
            "KYOSO_ENV": "production",
            "KYOSO_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        },
        "check",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "KYOSO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-key-for-the-test-0123456789",
        "ALLOWED_HOSTS": "kyoso.example.jp",
        "KYOSO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
        "DEBUG": "0",
        # Health payload keys (production refuses to start without them).
        "KYOSO_HEALTH_KEYS": "mM0c2yQv4bYH1pD9D3pC2m9oZ0Vd3xk4Z9yYvG0a1Xc=",
        "KYOSO_HEALTH_INDEX_KEY": "an-index-key-for-the-test",
    }
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
