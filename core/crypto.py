"""Field encryption at rest with MultiFernet: the first key encrypts, every key decrypts."""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from core.settings import Settings, get_settings

KEY_FILE = "encryption.keys"
SECRET_FILE = "signing.secret"


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted with any configured key."""


def write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)
    os.chmod(path, 0o600)


def key_file(settings: Settings) -> Path:
    return settings.keys_dir / KEY_FILE


def load_keys(settings: Settings) -> list[str]:
    """Keys newest first, from ENCRYPTION_KEYS or the key file (created on first use)."""
    if settings.ENCRYPTION_KEYS:
        keys = [k.strip() for k in settings.ENCRYPTION_KEYS.split(",") if k.strip()]
    else:
        path = key_file(settings)
        if not path.exists():
            write_private(path, Fernet.generate_key().decode() + "\n")
        keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise ValueError("no encryption key configured")
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ValueError("ENCRYPTION_KEYS holds a key that is not a valid Fernet key") from exc
    return keys


def add_key_to_file(settings: Settings) -> str:
    """Put a new key first in the key file; older keys stay so old rows still decrypt."""
    new = Fernet.generate_key().decode()
    write_private(key_file(settings), "\n".join([new, *load_keys(settings)]) + "\n")
    get_fernet.cache_clear()
    return new


def load_secret(settings: Settings) -> str:
    """The token-signing secret from SECRET_KEY or a generated file."""
    if settings.SECRET_KEY:
        return settings.SECRET_KEY
    path = settings.keys_dir / SECRET_FILE
    if not path.exists():
        write_private(path, secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


@lru_cache
def get_fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in load_keys(get_settings())])


def encrypt(value: str) -> str:
    return get_fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a stored value, made with the master keys or with a visitor's data key
    (core/data_keys.KeyDestroyed when that key is destroyed)."""
    if token.startswith("dk:"):
        from core import data_keys

        return data_keys.decrypt_keyed(token).decode("utf-8")
    try:
        return get_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        pass
    # Keys may have been rotated by another process (`core.manage rotate-keys`): reload once.
    get_fernet.cache_clear()
    try:
        return get_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionError("stored value does not decrypt with the configured keys") from exc


def rotate_token(token: str) -> str:
    """Re-encrypt one stored value with the current (first) key."""
    return get_fernet().rotate(token.encode("ascii")).decode("ascii")


# What a field reads once its visitor's data key is destroyed (in a copy of the database taken
# before the erasure): the rows themselves are gone from the live database.
ERASED = "[erased]"


class KeyedStr(str):
    """A text value to be stored with one visitor's data key (set on personal fields of a
    visitor's rows as they are written; see core/privacy/shredding.py)."""

    key_id: str

    def __new__(cls, value: str, key_id: str) -> KeyedStr:
        made = super().__new__(cls, value)
        made.key_id = key_id
        return made

    def __reduce__(self) -> tuple[type[KeyedStr], tuple[str, str]]:  # copy and pickle
        return (KeyedStr, (str(self), self.key_id))


class KeyedList(list[Any]):
    """A JSON list to be stored with one visitor's data key."""

    def __init__(self, value: list[Any], key_id: str) -> None:
        super().__init__(value)
        self.key_id = key_id


class KeyedDict(dict[str, Any]):
    """A JSON object to be stored with one visitor's data key."""

    def __init__(self, value: dict[str, Any], key_id: str) -> None:
        super().__init__(value)
        self.key_id = key_id


def keyed(value: Any, key_id: str | None) -> Any:
    """`value` marked to be stored with data key `key_id` (as it is with None)."""
    if key_id is None or value is None or getattr(value, "key_id", None) == key_id:
        return value
    if isinstance(value, str):
        return KeyedStr(value, key_id)
    if isinstance(value, list):
        return KeyedList(value, key_id)
    if isinstance(value, dict):
        return KeyedDict(value, key_id)
    return value


def _seal(plain: str, value: Any) -> str:
    key_id = getattr(value, "key_id", None)
    if key_id is None:
        return encrypt(plain)
    from core import data_keys

    return data_keys.encrypt_with(key_id, plain.encode("utf-8"))


def _open(token: str) -> str | None:
    """The stored value's text; None when its data key is destroyed."""
    from core import data_keys

    try:
        return decrypt(token)
    except data_keys.KeyDestroyed:
        return None


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token (with the master keys, or with a visitor's data
    key for a KeyedStr); Python sees plaintext, or ERASED once the data key is destroyed."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        return None if value is None else _seal(value, value)

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        if value is None:
            return None
        plain = _open(value)
        return ERASED if plain is None else plain


class EncryptedJSON(EncryptedText):
    """A JSON value (a list or an object) stored as one Fernet token of its JSON text; Python
    sees the value, or None once its data key is destroyed. Key rotation treats it as any other
    encrypted column."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: object) -> str | None:  # type: ignore[override]
        if value is None:
            return None
        return _seal(json.dumps(value, ensure_ascii=False), value)

    def process_result_value(self, value: str | None, dialect: object) -> Any:
        if value is None:
            return None
        plain = _open(value)
        return None if plain is None else json.loads(plain)


class EncryptedJSONList(EncryptedJSON):
    """An encrypted JSON list that reads as empty once its data key is destroyed."""

    cache_ok = True

    def process_result_value(self, value: str | None, dialect: object) -> Any:
        found = super().process_result_value(value, dialect)
        return [] if found is None and value is not None else found
