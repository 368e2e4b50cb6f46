"""The ``kyoso`` command: demo, serve, worker, and every management command by its dashed name.

``kyoso import-gtfs feed.zip`` runs ``manage.py import_gtfs feed.zip``; ``python -m kyoso``
works the same.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

USAGE = """usage: kyoso COMMAND [ARGS]

  demo          prepare the embedded database with the demo city and serve it with a worker
  serve         serve Kyoso over HTTP (--host 127.0.0.1 --port 8000)
  worker        run background tasks (and the periodic e-mail digest)
  load-demo     create or refresh the demo cities
  manage ARGS   any Django management command
  <command>     any management command by its dashed name, e.g. import-gtfs, ledger
"""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    import django

    django.setup()


def _manage(args: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kyoso", *args])
    return 0


def _option(args: list[str], name: str, default: str) -> str:
    if name in args:
        i = args.index(name)
        if i + 1 < len(args):
            return args[i + 1]
    return default


def serve(args: list[str]) -> int:
    """Serve with gunicorn: threads for I/O, a few processes for the two cores."""
    host = _option(args, "--host", os.environ.get("KYOSO_HOST", "127.0.0.1"))
    port = _option(args, "--port", os.environ.get("KYOSO_PORT", "8000"))
    workers = _option(args, "--workers", os.environ.get("WEB_CONCURRENCY", "2"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    _refuse_unsafe_start()
    cmd = [
        sys.executable, "-m", "gunicorn", "kyoso.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", workers, "--threads", "4",
        "--access-logfile", "-", "--graceful-timeout", "5",
    ]  # fmt: skip
    os.execv(sys.executable, cmd)  # noqa: S606 - the server replaces this process
    return 0  # pragma: no cover - execv does not return


def _refuse_unsafe_start() -> None:
    """Exit before serving when a serious system check fails (e.g. production without health keys)."""
    import django
    from django.core import checks

    django.setup()
    serious = [m for m in checks.run_checks(tags=["kyoso_health"]) if m.is_serious()]
    if serious:
        sys.exit("\n".join(str(m) for m in serious))


def _seal_ledgers() -> None:
    """Seal every city's committed points transfers into its hash chain, once a second."""
    from django.conf import settings
    from django.db import connection

    from kyoso.commons.services.ledger_seal import journal_seal_all

    while True:
        try:
            journal_seal_all()
        except Exception as exc:  # a busy database must not stop the worker
            print(f"ledger sealing failed: {exc}", file=sys.stderr)
            connection.close()
        time.sleep(settings.LEDGER_SEAL_EVERY)


def run_schedule(*, now: float | None = None, last: dict[str, float]) -> list[str]:
    """Enqueue every registered scheduled task that is due; return the keys enqueued."""
    from kyoso.core.registry import SCHEDULED_TASKS

    now = time.monotonic() if now is None else now
    enqueued = []
    for entry in SCHEDULED_TASKS.entries():
        if entry.key in last and now - last[entry.key] < entry.every_seconds:
            continue
        try:
            entry.enqueue()
        except Exception as exc:  # a busy database must not stop the worker
            print(f"scheduling {entry.key} failed: {exc}", file=sys.stderr)
            continue
        last[entry.key] = now
        enqueued.append(entry.key)
    return enqueued


def worker(args: list[str]) -> int:
    """Run the task worker; a thread enqueues the registered scheduled tasks when they are due
    (the e-mail digest hourly, expiry of stale real-time data, KPI provider refresh daily)."""
    _setup()

    def schedule() -> None:
        last: dict[str, float] = {}
        while True:
            run_schedule(last=last)
            time.sleep(30)

    threading.Thread(target=schedule, daemon=True).start()
    threading.Thread(target=_seal_ledgers, daemon=True).start()
    from django.core.management import call_command

    call_command("db_worker", *args)
    return 0


def _mqtt_broker_up() -> bool:
    import socket

    host = os.environ.get("KYOSO_MQTT_HOST", "127.0.0.1")
    port = int(os.environ.get("KYOSO_MQTT_PORT", "1883"))
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def _migrate_if_needed() -> None:
    """Migrate when a migration is unapplied (a second ``make demo`` skips the whole command)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", "--no-input", verbosity=0)


def _collectstatic_if_changed() -> None:
    """Collect (hash and compress) static files unless no source file changed since last time."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    marker = Path(settings.VAR_DIR) / "static-sources.sha256"
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists() and marker.exists() and marker.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", "--no-input", verbosity=0)
    marker.write_text(digest.hexdigest())


def demo(args: list[str]) -> int:
    """Migrate, load the demo city, then run the web server, the worker and demo feeds together.

    The demo runs as production does, without DEBUG: real error pages (never Django's technical
    404 with the URL list) and hashed, compressed static files served by WhiteNoise.
    """
    os.environ.setdefault("DEBUG", "0")
    _setup()
    from django.core.management import call_command, get_commands

    _migrate_if_needed()
    _collectstatic_if_changed()
    call_command("load_demo")
    children: list[subprocess.Popen[bytes]] = [
        subprocess.Popen([sys.executable, "-m", "kyoso", "worker"]),
    ]
    if "simulate_transit" in get_commands():
        children.append(subprocess.Popen([sys.executable, "-m", "kyoso", "simulate-transit"]))
    if "ingest_mqtt" in get_commands() and _mqtt_broker_up():
        # The data hub: sensors publish over MQTT, one ingest process stores their readings.
        for command in ("ingest-mqtt", "simulate-sensors"):
            children.append(subprocess.Popen([sys.executable, "-m", "kyoso", command]))  # noqa: S603
    elif "ingest_mqtt" in get_commands():
        print("No MQTT broker at 127.0.0.1:1883: the sensor simulator is off.", flush=True)
    port = _option(args, "--port", "8000")
    print(f"Kyoso is at http://127.0.0.1:{port}/  (Ctrl+C stops everything)", flush=True)
    server = subprocess.Popen([sys.executable, "-m", "kyoso", "serve", "--port", port])  # noqa: S603

    def stop(*_args: object) -> None:
        for child in [server, *children]:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "demo":
        return demo(rest)
    if command == "serve":
        return serve(rest)
    if command == "worker":
        return worker(rest)
    if command == "manage":
        return _manage(rest)
    return _manage([command.replace("-", "_"), *rest])


if __name__ == "__main__":
    raise SystemExit(main())
