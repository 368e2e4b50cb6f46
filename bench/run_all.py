"""Run every benchmark and write one JSON file of all results (what ``make bench`` runs).

Each ``bench/*.py`` (but this file and ``benchlib.py``) runs in its own process with the
project's Python; its JSON output (the last JSON object it prints) is stored under its name
with its exit status, run time and the load average before and after. A failing benchmark is
recorded with its error and the others still run.

    .venv/bin/python bench/run_all.py [--out var/bench/results.json] [--only ledger journey]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"run_all.py", "benchlib.py"}


def last_json(text: str) -> object | None:
    """Return the last JSON object printed (benchmarks print one, maybe after log lines)."""
    start = text.rfind("\n{")
    for candidate in (text[start + 1 :] if start >= 0 else "", text):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "results.json")
    parser.add_argument("--only", nargs="*", help="names of benchmarks to run (default: all)")
    args = parser.parse_args()
    names = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.name not in SKIP)
    if args.only:
        names = [n for n in names if n in args.only]
    results: dict[str, object] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "benchmarks": {},
    }
    for name in names:
        before = [round(x, 2) for x in os.getloadavg()]
        began = time.perf_counter()
        print(f"== bench/{name}.py", flush=True)
        proc = subprocess.run(
            [sys.executable, str(ROOT / "bench" / f"{name}.py")],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        entry = {
            "exit_status": proc.returncode,
            "seconds": round(time.perf_counter() - began, 1),
            "load_before": before,
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "result": last_json(proc.stdout),
        }
        if proc.returncode != 0:
            entry["error"] = (proc.stderr or proc.stdout).strip()[-2000:]
        results["benchmarks"][name] = entry  # type: ignore[index]
        print(json.dumps({k: v for k, v in entry.items() if k != "result"}), flush=True)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
