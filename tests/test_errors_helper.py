"""The test helper that expects a service's error tells a 403 from a 400 and one field from another."""

from __future__ import annotations

import pytest

from kyoso.core.errors import DomainError, PermissionDeniedError
from tests.errors import raises


def test_expects_the_class_exactly() -> None:
    with (
        pytest.raises(AssertionError, match="PermissionDeniedError, not DomainError"),
        raises(DomainError, field="title"),
    ):
        raise PermissionDeniedError("no", field="title")


def test_expects_the_field() -> None:
    with (
        pytest.raises(AssertionError, match="field 'body', not 'title'"),
        raises(DomainError, field="title"),
    ):
        raise DomainError("bad", field="body")
    with raises(DomainError, field="title"):
        raise DomainError("bad", field="title")
