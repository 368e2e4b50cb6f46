"""Benchmark: how long a citizen's phone on a slow mobile link waits for two demo pages.

The demo city is served as in production (gunicorn, WhiteNoise's hashed and compressed static
files, SQLite in a throwaway folder, or an already loaded one with --var-dir). Debian's headless
Chromium at 360 x 800 is throttled through the DevTools protocol (Network.emulateNetworkConditions:
1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip) and loads a conversation page and a KPI page
(its chart), each --runs times with an empty cache (cold: a new browser context) and again with
the cache of the first load (warm). Goal: under 2 s to the load event (and to the chart drawn).

    .venv/bin/python bench/page_load.py [--runs 3] [--var-dir DIR]

Prints one JSON object: per page and cache state the milliseconds to DOMContentLoaded, to the
load event and (KPI page) to the chart's canvas, and the bytes transferred; the load average
before and after.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import free_port, machine, production_env, serve, spread, stop, uptime  # noqa: E402

LINK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
GOAL_MS = 2000
HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of gunicorn says


def _prepare(var_dir: str, env: dict[str, str], fresh: bool) -> None:
    steps = [["manage", "collectstatic", "--no-input", "-v0"]]
    if fresh:
        steps = [["manage", "migrate", "-v0"], ["load-demo"], *steps]
    for step in steps:
        subprocess.run([sys.executable, "-m", "kyoso", *step], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def _first_link(port: int, path: str, pattern: str) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=HEADERS)
    with urllib.request.urlopen(request, timeout=120) as response:
        html = response.read().decode()
    found = re.search(pattern, html)
    if found is None:
        raise RuntimeError(f"no link matching {pattern} on {path}")
    return found.group(0).strip('"')


def _measure(page: Any, url: str, chart: bool) -> dict[str, float]:
    page.goto(url, wait_until="load")
    if chart:
        page.wait_for_function("document.querySelector('.chart canvas, .chart svg') !== null")
    return page.evaluate(
        """(chart) => {
          const nav = performance.getEntriesByType('navigation')[0];
          const bytes = [nav, ...performance.getEntriesByType('resource')]
            .reduce((sum, e) => sum + (e.transferSize || 0), 0);
          return {dom_ms: nav.domContentLoadedEventEnd, load_ms: nav.loadEventEnd,
                  chart_ms: chart ? performance.now() : null, bytes: bytes};
        }""",
        chart,
    )


def _session(browser: Any, base: str, path: str, chart: bool) -> tuple[dict, dict]:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 360, "height": 800}, extra_http_headers=HEADERS
    )
    page = context.new_page()
    page.set_default_timeout(120000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", LINK)
    cold = _measure(page, base + path, chart)
    page.goto("about:blank")
    warm = _measure(page, base + path, chart)
    context.close()
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--var-dir", help="a folder whose SQLite database has the demo loaded")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    info = machine()
    info["uptime_before"] = uptime()
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="kyoso-bench-pages-")
    keys = production_env("", var_dir)
    env = {k: keys[k] for k in keys if k.startswith(("KYOSO_", "SECRET_KEY"))} | {"DEBUG": "0"}
    _prepare(var_dir, keys | env, fresh=args.var_dir is None)
    port = free_port()
    server = serve("", var_dir, port, env)
    results: dict[str, Any] = {}
    try:
        pages = {
            "conversation": (_first_link(port, "/hitachi/voice/conversations/",
                                         r'"/hitachi/voice/conversations/\d+/"'), False),
            "kpi": (_first_link(port, "/hitachi/evaluation/kpis/",
                                r'"/hitachi/evaluation/kpis/[\w-]+/"'), True),
        }  # fmt: skip
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            base = f"http://127.0.0.1:{port}"
            for name, (path, chart) in pages.items():
                _session(browser, base, path, chart)  # the server's first request imports a lot
                runs = [_session(browser, base, path, chart) for _ in range(args.runs)]
                entry: dict[str, Any] = {"path": path}
                for k, state in enumerate(("cold", "warm")):
                    rows = [r[k] for r in runs]
                    entry[state] = {
                        key: spread([r[key] for r in rows], 1)
                        for key in ("dom_ms", "load_ms", "chart_ms", "bytes")
                        if rows[0][key] is not None
                    }
                    slowest = max(r["chart_ms"] or r["load_ms"] for r in rows)
                    entry[state]["under_goal"] = slowest < GOAL_MS
                results[name] = entry
            browser.close()
    finally:
        stop(server)
        if args.var_dir is None:
            shutil.rmtree(var_dir, ignore_errors=True)
    info["load_after"] = [round(x, 2) for x in __import__("os").getloadavg()]
    info["uptime_after"] = uptime()
    print(json.dumps({"benchmark": "page_load", "link": LINK, "goal_ms": GOAL_MS,
                      "machine": info, "pages": results}, ensure_ascii=False, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
