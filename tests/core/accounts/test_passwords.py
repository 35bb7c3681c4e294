"""Admin passwords are stored as argon2 hashes and must be long enough."""

from __future__ import annotations

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import ValidationError

from core.accounts.passwords import hash_password, verify_password
from core.settings import Settings


def test_a_hash_verifies_only_its_own_password() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password("correct horse battery", stored) == (True, None)
    assert verify_password("correct horse battery!", stored) == (False, None)
    assert hash_password("correct horse battery") != stored  # salted


def test_short_passwords_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="at least 10 characters"):
        hash_password("short9chr")
    assert hash_password("ten chars!").startswith("$argon2")
    with pytest.raises(ValueError, match="only spaces"):
        hash_password(" " * 12)


def test_an_overlong_password_is_refused_without_hashing() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password("x" * 100_000, stored) == (False, None)
    with pytest.raises(ValueError, match="at most"):
        hash_password("x" * 2000)


def test_a_hash_with_old_parameters_is_replaced_on_a_good_check() -> None:
    weak = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),))
    old = weak.hash("correct horse battery")
    ok, new_hash = verify_password("correct horse battery", old)
    assert ok and new_hash is not None and new_hash != old
    assert verify_password("correct horse battery", new_hash) == (True, None)
    assert verify_password("wrong horse battery", old) == (False, None)


def test_production_refuses_a_sample_admin_password() -> None:
    with pytest.raises(ValidationError, match="ADMIN_PASSWORD is a sample value"):
        Settings(ENVIRONMENT="production", ADMIN_PASSWORD="changeme123")
    with pytest.raises(ValidationError, match="ADMIN_PASSWORD is a sample value"):
        Settings(ENVIRONMENT="production", ADMIN_PASSWORD="changeme")
    assert Settings(ENVIRONMENT="production", ADMIN_PASSWORD="a-real-long-one-42").ADMIN_PASSWORD
    # Development keeps working with whatever a developer typed.
    assert Settings(ENVIRONMENT="development", ADMIN_PASSWORD="changeme123").ADMIN_PASSWORD


def test_a_malformed_login_rate_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="LOGIN_RATE_LIMIT"):
        Settings(LOGIN_RATE_LIMIT="five a minute")
