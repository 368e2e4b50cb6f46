"""Start-up cost of a Kyoso process: CPU seconds to set Django up, load the URLconf, run checks.

Each figure is measured in fresh Python processes (nothing cached in memory; the OS file cache is
warm after the first run), alternating the three measurements, and reports the median and spread
of ``--runs`` runs (default 5). CPU time is the child's user+system time from ``resource``.

    .venv/bin/python bench/startup.py [--runs 5]

Targets (issue 10): django.setup() < 1 s, URLconf loaded < 2 s, manage.py check < 3 s.
Also lists which numeric libraries are imported once the URLconf is loaded (should be none).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HEAVY = ("pandas", "scipy", "statsmodels", "numba", "sklearn", "httpx")

SETUP = "import django; django.setup()"
URLCONF = (
    "import django; django.setup()\n"
    "from django.urls import get_resolver; get_resolver().url_patterns\n"
    f"import sys, json; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
)


def _env(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="kyoso.settings",
        KYOSO_VAR_DIR=var_dir,
        PYTHONPATH=str(ROOT / "src"),
        DATABASE_URL="",
    )
    return env


def _cpu_of(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()
    cases = {
        "django_setup": [PY, "-c", SETUP],
        "urlconf_loaded": [PY, "-c", URLCONF],
        "manage_check": [PY, "manage.py", "check"],
    }
    targets = {"django_setup": 1.0, "urlconf_loaded": 2.0, "manage_check": 3.0}
    times: dict[str, list[float]] = {name: [] for name in cases}
    heavy_loaded: list[str] = []
    with tempfile.TemporaryDirectory() as var_dir:
        env = _env(var_dir)
        for cmd in cases.values():  # one untimed run each: compile .pyc, warm the file cache
            _cpu_of(cmd, env)
        for _ in range(args.runs):
            for name, cmd in cases.items():  # alternate the cases within each round
                cpu, out = _cpu_of(cmd, env)
                times[name].append(cpu)
                if name == "urlconf_loaded":
                    heavy_loaded = json.loads(out.strip().splitlines()[-1])
    result = {
        name: {
            "cpu_s_median": round(statistics.median(values), 3),
            "cpu_s_min": round(min(values), 3),
            "cpu_s_max": round(max(values), 3),
            "target_s": targets[name],
            "meets_target": statistics.median(values) < targets[name],
        }
        for name, values in times.items()
    }
    print(
        json.dumps(
            {
                "runs": args.runs,
                "python": sys.version.split()[0],
                "numerics_imported_with_urlconf": heavy_loaded,
                "results": result,
                "loadavg_before": load_before,
                "loadavg_after": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
