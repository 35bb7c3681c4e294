"""Password hashing for admin users: argon2id through pwdlib."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 10
# argon2 pre-hashes its input, so length costs little; the cap only stops absurd request bodies.
MAX_PASSWORD_LENGTH = 1024


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def check_password_rules(password: str) -> None:
    """Raise ValueError with a message fit to show the person choosing the password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"The password can have at most {MAX_PASSWORD_LENGTH} characters.")
    if not password.strip():
        raise ValueError("The password cannot be only spaces.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Returns (matches, new_hash): new_hash is set when the stored hash uses older argon2
    parameters and should be replaced, which can only happen while the password is at hand."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False, None
    return _hasher().verify_and_update(password, password_hash)
