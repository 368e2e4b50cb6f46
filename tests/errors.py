"""Expecting a service's error precisely: its class (400, 403, 404, 409, 429) and its field."""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kyoso.core.errors import DomainError


@contextmanager
def raises(
    cls: type[DomainError] = DomainError, *, field: str | None = None
) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """Expect exactly ``cls`` (a 403 does not pass for a 400) naming ``field`` (None: the form)."""
    caller = inspect.stack()[2]
    with pytest.raises(DomainError) as info:
        yield info
    record = os.environ.get("KYOSO_RECORD_RAISES")
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.write(
                f"{caller.filename}\t{caller.lineno}\t{type(info.value).__name__}\t{info.value.field!r}\n"
            )
        return
    assert type(info.value) is cls, f"{type(info.value).__name__}, not {cls.__name__}"
    assert info.value.field == field, f"field {info.value.field!r}, not {field!r}"
