"""Malformed multipart bodies never cause a 5xx: every upload operation of the API and every
page, with a truncated or garbled body, no boundary, a bad boundary, or a wrong Content-Length
(issue 9, "Bad input and heavy input")."""

from __future__ import annotations

import json
import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.test.client import FakePayload
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

BOUNDARY = "kyosoBoundary7MA4YWxkTrZu0gW"
GOOD = (
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="title"\r\n\r\n'
    "バス停\r\n"
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="file"; filename="a.csv"\r\n'
    "Content-Type: text/csv\r\n\r\n"
    "a,b\r\n1,2\r\n"
    f"--{BOUNDARY}--\r\n"
).encode()

# (name, content type, body, Content-Length or None for the body's own length)
MALFORMED: list[tuple[str, str, bytes, int | None]] = [
    ("truncated", f"multipart/form-data; boundary={BOUNDARY}", GOOD[: len(GOOD) // 2], None),
    (
        "garbled",
        f"multipart/form-data; boundary={BOUNDARY}",
        b"--" + BOUNDARY.encode() + b"\r\nContent-Disposition: \xff\xfe\x00garbage\r\n\r\n\x80\x81",
        None,
    ),
    ("no boundary", "multipart/form-data", GOOD, None),
    ("empty boundary", "multipart/form-data; boundary=", GOOD, None),
    ("bad boundary", "multipart/form-data; boundary=\"a b\\x\"; boundary=é", GOOD, None),
    ("no parts", f"multipart/form-data; boundary={BOUNDARY}", b"just text, no parts", None),
    ("long header", f"multipart/form-data; boundary={BOUNDARY}",
     f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"".encode() + b"x" * 200_000, None),
    ("Content-Length too long", f"multipart/form-data; boundary={BOUNDARY}", GOOD, len(GOOD) + 500),
    ("Content-Length too short", f"multipart/form-data; boundary={BOUNDARY}", GOOD, 40),
    ("Content-Length not a number", f"multipart/form-data; boundary={BOUNDARY}", GOOD, -1),
]  # fmt: skip


def _post(client: Client, path: str, content_type: str, body: bytes, length: int | None) -> int:
    """Return the status of a POST with exactly this body and Content-Length header."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": content_type,
        "wsgi.input": FakePayload(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = "twelve" if length < 0 else str(length)
        environ["wsgi.input"] = BytesIO(body)
    return client.request(**environ).status_code


def _upload_operations(client: Client) -> list[str]:
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    paths = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            content = (op.get("requestBody") or {}).get("content", {})
            if method == "post" and "multipart/form-data" in content:
                paths.append(re.sub(r"\{city_slug\}", "hitachi", path))
    return [re.sub(r"\{[^}]+\}", "1", p) for p in paths]


def _page_paths() -> list[str]:
    """Return every page pattern with the city and 1 for every other part."""
    out: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                out.append(prefix + route)

    walk(get_resolver().url_patterns, "")
    paths = []
    for route in out:
        if route.startswith(("api/", "^", "static", "media")) or "(?P" in route:
            continue
        route = route.replace("<slug:city_slug>", "hitachi").replace("<city_slug>", "hitachi")
        paths.append("/" + re.sub(r"<[^>]+>", "1", route))
    return sorted(set(paths))


def test_upload_operations_exist(client, city) -> None:  # type: ignore[no-untyped-def]
    assert len(_upload_operations(client)) >= 5


@pytest.mark.parametrize("who", ["citizen", "staff"])
def test_no_malformed_multipart_body_causes_a_server_error(client, city, who, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    client.raise_request_exception = False
    client.force_login(user)
    failures = []
    targets = _upload_operations(client) + _page_paths()
    for path in targets:
        for name, content_type, body, length in MALFORMED:
            status = _post(client, path, content_type, body, length)
            if status >= 500:
                failures.append(f"{status} {path} ({name})")
    assert failures == [], f"{len(failures)} of {len(targets) * len(MALFORMED)}: {failures}"
