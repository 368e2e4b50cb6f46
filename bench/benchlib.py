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


# ---- a throwaway PostgreSQL database and `kyoso serve` in production settings ------------------


def uptime() -> str:
    import subprocess

    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def throwaway_database(base_url: str, prefix: str) -> tuple[str, str, str]:
    """Create an empty PostgreSQL database; return its URL, the admin URL and its name."""
    import secrets
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(base_url)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl(), admin, name


def drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(
    database_url: str, var_dir: str, env: dict[str, str] | None = None
) -> dict[str, str]:
    """Return the environment of the production settings on ``database_url`` and ``var_dir``."""
    import secrets

    from cryptography.fernet import Fernet

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KYOSO_"))},
        "KYOSO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(64),
        "KYOSO_HEALTH_KEYS": Fernet.generate_key().decode(),
        "KYOSO_HEALTH_INDEX_KEY": secrets.token_urlsafe(32),
        "KYOSO_BOARD_SIGNING_KEY": secrets.token_hex(32), "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url, "KYOSO_VAR_DIR": var_dir,
        "STATIC_ROOT": str(Path(var_dir) / "static"), "DJANGO_SETTINGS_MODULE": "kyoso.settings",
        **(env or {}),
    }  # fmt: skip


def serve(database_url: str, var_dir: str, port: int, env: dict[str, str] | None = None) -> Any:
    """Start ``kyoso serve`` with ONE gunicorn worker in production settings; wait until it
    listens. ``env`` adds settings (health keys, say); the log is ``var_dir``/server.log."""
    import socket
    import subprocess
    import sys
    import time

    full = production_env(database_url, var_dir, env)
    log = Path(var_dir) / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "kyoso", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        env=full, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kyoso serve did not start; see {log}") from None
            time.sleep(0.3)


def stop(server: Any) -> None:
    import signal

    if server is not None and server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


class Http:
    """One keep-alive connection to the served site, as a TLS proxy would forward it."""

    def __init__(self, port: int, headers: dict[str, str]):
        import http.client

        self.port = port
        self.headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, bytes]:
        import http.client
        import json

        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
