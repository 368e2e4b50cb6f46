"""The documented production deployment, run for real: every page of the demo city must serve.

Does what README's "Running on PostgreSQL" says on a throwaway database: production settings,
``migrate``, the demo, ``collectstatic``, ``check --deploy``, then ``kyoso serve`` (gunicorn) on a
free port behind a pretend TLS proxy (``X-Forwarded-Proto: https``). Every URL pattern of the
project, filled with the demo city's ids by ``kyoso demo-urls``, is fetched as an anonymous
visitor, a citizen and a member of staff: none may answer 5xx. Every static file a page uses must
exist, be hashed, compressed and cached for a year, and no page may load anything from another host.

It takes minutes (the demo alone is most of it), so it runs once per ``make test``: on PostgreSQL
(the production database). Set ``KYOSO_PRODUCTION_SMOKE=1`` to run it on SQLite as well, or
``=0`` to skip it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from cryptography.fernet import Fernet

from kyoso.core.demo import demo_totp_code

pytestmark = pytest.mark.production_smoke

DEMO_PASSWORD = "kyoso-demo-2026"
ROLES = {
    "anonymous": None,
    "citizen": "citizen@hitachi.example",
    "staff": "staff@hitachi.example",
}
VENDOR = Path(__file__).resolve().parents[1] / "src/kyoso/core/static/vendor"


def _wanted() -> bool:
    choice = os.environ.get("KYOSO_PRODUCTION_SMOKE", "")
    if choice in {"0", "1"}:
        return choice == "1"
    return (os.environ.get("DATABASE_URL") or "").startswith("postgres")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Assets(HTMLParser):
    """Collects the URLs a page loads (scripts, styles, images, icons) and its form actions."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video"} and a.get("src"):
            self.loaded.add(a["src"] or "")
        if tag == "link" and a.get("href") and (a.get("rel") or "") in {"stylesheet", "icon"}:
            self.loaded.add(a["href"] or "")


@dataclass
class Client:
    """A browser-like client over plain HTTP that keeps its own cookies (they are ``Secure``)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        all_headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "ja",
            **headers,
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
            all_headers["Origin"] = f"https://127.0.0.1:{self.port}"
        try:
            conn.request(method, path, body=data, headers=all_headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, **headers)

    def sign_in(self, email: str) -> None:
        status, _, page = self.get("/accounts/login/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        status, _headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": DEMO_PASSWORD,
                "next": "/hitachi/",
            },
        )
        assert status == 302, f"sign-in of {email} answered {status}"
        if _headers.get("location", "").endswith("/accounts/2fa/verify/"):
            # Staff must use two-step sign-in: type the demo authenticator's code. A code works
            # once, so a second sign-in in the same 30 s types the next step's code, then waits.
            for attempt in range(4):
                status, _, page = self.get("/accounts/2fa/verify/")
                token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                assert status == 200 and token is not None, status
                code = demo_totp_code(time.time() + (30 if attempt % 2 else 0))
                status, _headers, _ = self.request(
                    "POST",
                    "/accounts/2fa/verify/",
                    {"csrfmiddlewaretoken": token.group(1).decode(), "token": code},
                )
                if status == 302:
                    break
                if attempt % 2:
                    time.sleep(31 - time.time() % 30)
            assert status == 302, f"second step of {email} answered {status}"
        assert "sessionid" in self.cookies, f"{email} got no session"


@dataclass
class Site:
    port: int
    urls: list[tuple[str, str]]
    missing: dict[str, list[str]]
    log: Path

    def client(self) -> Client:
        return Client(self.port)


def _run(args: list[str], env: dict[str, str], log: Path, timeout: int = 900) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kyoso", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    with log.open("a") as f:
        f.write(f"$ kyoso {' '.join(args)}\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}\n")
    assert result.returncode == 0, f"kyoso {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    if not _wanted():
        pytest.skip(
            "the production smoke test runs on PostgreSQL (KYOSO_PRODUCTION_SMOKE=1 forces)"
        )
    tmp = Path(tempfile.mkdtemp(prefix="kyoso-smoke-"))
    log = tmp / "smoke.log"
    base_url = os.environ.get("DATABASE_URL") or ""
    database_url, drop = _throwaway_database(base_url, tmp)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KYOSO_"))},
        "KYOSO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "KYOSO_HEALTH_KEYS": Fernet.generate_key().decode(),
        "KYOSO_HEALTH_INDEX_KEY": secrets.token_urlsafe(32),
        "KYOSO_BOARD_SIGNING_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "KYOSO_VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        "WEB_CONCURRENCY": "2",
        "DJANGO_SETTINGS_MODULE": "kyoso.settings",
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        _run(["migrate", "--no-input", "-v0"], env, log)
        _run(["load-demo"], env, log)
        _run(["collectstatic", "--no-input", "-v0"], env, log)
        _run(["check", "--deploy", "--fail-level", "WARNING"], env, log)
        catalogue = json.loads(_run(["demo-urls", "--city", "hitachi"], env, log))
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "kyoso", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if Client(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, f"kyoso serve exited; see {log}"
            assert time.monotonic() < deadline, f"kyoso serve did not answer; see {log}"
            time.sleep(0.5)
        yield Site(port, [tuple(u) for u in catalogue["urls"]], catalogue["missing"], log)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        drop()
        for part in ("var", "static"):
            shutil.rmtree(tmp / part, ignore_errors=True)


def _throwaway_database(base_url: str, tmp: Path) -> tuple[str, object]:
    """Return the URL of a new empty database beside the test one, and how to drop it."""
    if not base_url.startswith("postgres"):
        return f"sqlite:///{tmp / 'smoke.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(base_url)
    name = f"kyoso_smoke_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parts._replace(path=f"/{name}").geturl(), drop


def test_every_pattern_has_demo_ids(site: Site) -> None:
    """A new page with ids must say which demo object to show (``<app>/demo_urls.py``)."""
    assert site.missing == {}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_serves(site: Site, role: str) -> None:
    client = site.client()
    if ROLES[role]:
        client.sign_in(ROLES[role] or "")
    failures = []
    for name, url in site.urls:
        status, _, _body = client.get(url)
        if status >= 500:
            failures.append(f"{status} {url} ({name})")
        assert client.cookies.get("sessionid") or not ROLES[role], f"{url} signed {role} out"
    assert failures == [], (
        f"{len(failures)} of {len(site.urls)} URLs failed as {role}; see {site.log}"
    )


def _html_pages(site: Site, client: Client) -> list[str]:
    pages = []
    for _, url in site.urls:
        status, headers, _ = client.get(url)
        if status == 200 and headers.get("content-type", "").startswith("text/html"):
            pages.append(url)
    return pages


@pytest.mark.browser
def test_pages_pass_the_content_security_policy(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    """Every HTML page, opened by Chromium as staff, runs without a single CSP violation."""
    client = site.client()
    client.sign_in(ROLES["staff"] or "")
    _, headers, _ = client.get("/hitachi/")
    policy = headers.get("content-security-policy", "")
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    )
    pages = [*_html_pages(site, client), "/api/v1/docs", "/no-such-page/"]
    context = browser.new_context(locale="ja-JP", extra_http_headers={"X-Forwarded-Proto": "https"})
    context.add_cookies(
        [
            {"name": k, "value": v, "url": f"http://127.0.0.1:{site.port}"}
            for k, v in client.cookies.items()
        ]
    )
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => "
        "window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
    )
    page = context.new_page()
    page.set_default_timeout(60000)
    violations = {}
    try:
        for url in pages:
            page.goto(f"http://127.0.0.1:{site.port}{url}", wait_until="load")
            page.wait_for_timeout(150)
            found = page.evaluate("window.__csp")
            if found:
                violations[url] = found[:3]
    finally:
        context.close()
    assert violations == {}


def _loaded_assets(site: Site) -> dict[str, set[str]]:
    """Return every URL loaded by the HTML pages of the catalogue, with the pages using it."""
    client = site.client()
    client.sign_in(ROLES["staff"] or "")
    used: dict[str, set[str]] = {}
    for _, url in site.urls:
        status, headers, body = client.get(url)
        if status != 200 or not headers.get("content-type", "").startswith("text/html"):
            continue
        parser = _Assets()
        parser.feed(body.decode("utf-8", "replace"))
        for asset in parser.loaded:
            used.setdefault(asset, set()).add(url)
    for url in ("/api/v1/docs", "/no-such-page/"):
        _, _, body = client.get(url)
        parser = _Assets()
        parser.feed(body.decode("utf-8", "replace"))
        for asset in parser.loaded:
            used.setdefault(asset, set()).add(url)
    return used


def test_pages_load_nothing_from_other_hosts_and_every_asset_is_served(site: Site) -> None:
    used = _loaded_assets(site)
    external = {a: sorted(p)[:3] for a, p in used.items() if re.match(r"^(https?:)?//", a)}
    assert external == {}
    client = site.client()
    broken, uncached, uncompressed = [], [], []
    for asset in sorted(a for a in used if a.startswith("/static/")):
        status, headers, _ = client.get(asset, **{"Accept-Encoding": "gzip, br"})
        if status != 200:
            broken.append(f"{status} {asset} used by {sorted(used[asset])[:2]}")
            continue
        if "max-age=315360000" not in headers.get("cache-control", ""):
            uncached.append(f"{asset}: {headers.get('cache-control')}")
        if asset.endswith((".js", ".css", ".svg")) and not headers.get("content-encoding"):
            uncompressed.append(asset)
    assert broken == []
    assert uncached == []
    assert uncompressed == []
    assert any("vendor/htmx/" in a for a in used)


def test_every_vendored_file_is_collected(site: Site) -> None:
    """A vendored library that lost a file (or a file it refers to) fails here."""
    client = site.client()
    missing = []
    for path in sorted(VENDOR.rglob("*")):
        if path.is_file() and path.suffix in {".js", ".css", ".png", ".svg"}:
            status, _, _ = client.get(f"/static/vendor/{path.relative_to(VENDOR)}")
            if status != 200:
                missing.append(f"{status} {path.relative_to(VENDOR)}")
    assert missing == []
    for library in ("htmx/htmx.min.js", "leaflet/leaflet.js", "leaflet/leaflet.css"):
        assert (VENDOR / library).is_file(), library


def test_error_pages_are_japanese_with_a_way_back(site: Site) -> None:
    client = site.client()
    status, _, body = client.get("/no-such-page/")
    text = body.decode()
    assert status == 404
    assert "ページが見つかりません" in text
    assert 'href="/"' in text
    assert "URLconf" not in text and "urlpatterns" not in text
    status, _, body = client.get("/hitachi/commons/points/staff/")
    assert status in {302, 403}
    status, headers, body = client.get("/favicon.ico")
    assert status == 200 and headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


def test_the_documented_production_commands_need_health_keys_only_where_health_data_is_used(
    tmp_path: Path,
) -> None:
    """README's "Running on PostgreSQL" order: collectstatic needs no health keys; check,
    migrate and serve refuse to run without them instead of serving health data unprotected."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KYOSO_"))},
        "KYOSO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "",
        "KYOSO_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "kyoso.settings",
    }
    log = tmp_path / "commands.log"
    _run(["collectstatic", "--no-input", "-v0"], env, log)
    assert (tmp_path / "static" / "staticfiles.json").exists()
    for args in (["check"], ["serve", "--port", str(_free_port())]):
        result = subprocess.run(
            [sys.executable, "-m", "kyoso", *args], env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode != 0, f"kyoso {args[0]} ran without the health keys"
        assert "KYOSO_HEALTH_KEYS" in result.stderr
    keyed = {
        **env,
        "KYOSO_HEALTH_KEYS": Fernet.generate_key().decode(),
        "KYOSO_HEALTH_INDEX_KEY": secrets.token_urlsafe(32),
    }
    _run(["check"], keyed, log)
