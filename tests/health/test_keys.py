"""Production never protects health data with a key derived from SECRET_KEY."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from kyoso.health import keys


@override_settings(PRODUCTION=True, KYOSO_HEALTH_KEYS=[], KYOSO_HEALTH_INDEX_KEY="")
def test_production_without_keys_fails_the_check_and_refuses_to_use_health_data() -> None:
    assert [m.id for m in keys.keys_check()] == ["health.E001"]
    with pytest.raises(ImproperlyConfigured, match="KYOSO_HEALTH_KEYS"):
        keys.cipher()
    with pytest.raises(ImproperlyConfigured, match="KYOSO_HEALTH_INDEX_KEY"):
        keys.index_token("http://loinc.org|29463-7")


def test_production_with_keys_and_development_without_them_pass() -> None:
    key = Fernet.generate_key().decode()
    with override_settings(
        PRODUCTION=True, KYOSO_HEALTH_KEYS=[key], KYOSO_HEALTH_INDEX_KEY="x" * 32
    ):
        assert keys.keys_check() == []
        assert keys.cipher().decrypt(keys.cipher().encrypt({"a": 1})) == {"a": 1}
    with override_settings(PRODUCTION=False, KYOSO_HEALTH_KEYS=[], KYOSO_HEALTH_INDEX_KEY=""):
        assert keys.keys_check() == []
        assert keys.index_token("x|y")
