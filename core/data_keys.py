"""Per-visitor data keys, kept apart from the database they protect.

Each visitor's personal fields are encrypted with a Fernet key of their own (a data key); the
data key is stored wrapped (encrypted) by the master keys in the key store, a database of its
own: by default a SQLite file beside the master key file (DATA_DIR/keys), or KEYSTORE_URL.
Erasing a visitor destroys their data key, so a copy of the main database taken before the
erasure (a backup, a dump) holds only tokens nobody can decrypt any more. A stored value made
with a data key reads `dk:<key id>:<Fernet token>`; a value made with the master keys is a bare
Fernet token, as before.

A process keeps the data keys it has used for KEY_TTL_SECONDS, so an erasure in another process
is felt there within that time. Rotating the master keys re-wraps every data key.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, delete, event, select, text
from sqlalchemy.engine import Engine

from core.crypto import DecryptionError, get_fernet, write_private
from core.settings import Settings, get_settings

PREFIX = "dk:"
KEYSTORE_FILE = "data_keys.sqlite3"
KEY_TTL_SECONDS = 60.0
_CACHE_SIZE = 20_000

metadata = MetaData()
datakey = Table(
    "datakey",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("wrapped", Text, nullable=False),  # the data key, encrypted by the master keys
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class KeyDestroyed(DecryptionError):
    """The value was encrypted with a data key that has been destroyed (its visitor erased)."""


def keystore_url(settings: Settings) -> str:
    if settings.KEYSTORE_URL:
        from core.db import normalize_url

        return normalize_url(settings.KEYSTORE_URL)
    return f"sqlite:///{settings.keys_dir / KEYSTORE_FILE}"


@lru_cache
def get_keystore() -> Engine:
    """The key store's engine, its table created on first use (a SQLite file is private)."""
    from core.db import make_engine

    settings = get_settings()
    url = keystore_url(settings)
    if url.startswith("sqlite:///") and not settings.KEYSTORE_URL:
        path = settings.keys_dir / KEYSTORE_FILE
        if not path.exists():
            write_private(path, "")
        os.chmod(path, 0o600)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _keystore_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA secure_delete=ON")  # a deleted key's bytes are overwritten
            cur.execute("PRAGMA synchronous=FULL")  # a key made is on disk before its rows
            cur.close()

    metadata.create_all(engine)
    return engine


class _Cache:
    """Unwrapped data keys by id, each kept for KEY_TTL_SECONDS."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[Fernet, float]] = {}
        self._lock = threading.Lock()

    def get(self, key_id: str) -> Fernet | None:
        hit = self._keys.get(key_id)
        if hit is None or time.monotonic() - hit[1] > KEY_TTL_SECONDS:
            return None
        return hit[0]

    def put(self, key_id: str, fernet: Fernet) -> None:
        with self._lock:
            if len(self._keys) >= _CACHE_SIZE:
                self._keys.clear()
            self._keys[key_id] = (fernet, time.monotonic())

    def drop(self, key_ids: Iterable[str]) -> None:
        with self._lock:
            for key_id in key_ids:
                self._keys.pop(key_id, None)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()


_cache = _Cache()


def create_key() -> str:
    """A new data key in the key store; returns its id."""
    key = Fernet.generate_key()
    key_id = uuid.uuid4().hex
    wrapped = get_fernet().encrypt(key).decode("ascii")
    with get_keystore().begin() as conn:
        conn.execute(
            datakey.insert().values(id=key_id, wrapped=wrapped, created_at=datetime.now(UTC))
        )
    _cache.put(key_id, Fernet(key))
    return key_id


def _fernet(key_id: str) -> Fernet:
    cached = _cache.get(key_id)
    if cached is not None:
        return cached
    with get_keystore().connect() as conn:
        wrapped = conn.execute(select(datakey.c.wrapped).where(datakey.c.id == key_id)).scalar()
    if wrapped is None:
        raise KeyDestroyed(f"data key {key_id} has been destroyed")
    try:
        key = get_fernet().decrypt(wrapped.encode("ascii"))
    except InvalidToken:
        get_fernet.cache_clear()  # rotated by another process: reload the master keys once
        try:
            key = get_fernet().decrypt(wrapped.encode("ascii"))
        except InvalidToken as exc:
            raise DecryptionError("a data key does not decrypt with the master keys") from exc
    fernet = Fernet(key)
    _cache.put(key_id, fernet)
    return fernet


def encrypt_with(key_id: str, value: bytes) -> str:
    return f"{PREFIX}{key_id}:" + _fernet(key_id).encrypt(value).decode("ascii")


def key_id_of(token: str) -> str | None:
    """The data key a stored value was encrypted with; None for the master keys."""
    if not token.startswith(PREFIX):
        return None
    return token[len(PREFIX) :].split(":", 1)[0]


def decrypt_keyed(token: str) -> bytes:
    """Decrypt a `dk:` value; KeyDestroyed when its data key is gone."""
    key_id, _, inner = token[len(PREFIX) :].partition(":")
    try:
        return _fernet(key_id).decrypt(inner.encode("ascii"))
    except InvalidToken as exc:
        raise DecryptionError("stored value does not decrypt with its data key") from exc


def destroy(key_ids: Iterable[str]) -> int:
    """Delete data keys from the key store (and this process's cache); returns keys deleted.
    Deleting a key that is already gone is no error. On SQLite the deleted bytes are overwritten
    (secure_delete) and the write-ahead log emptied, so a copy of the key store's files taken
    afterwards holds nothing of them."""
    ids = sorted(set(key_ids))
    _cache.drop(ids)
    deleted = 0
    store = get_keystore()
    with store.begin() as conn:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            deleted += conn.execute(delete(datakey).where(datakey.c.id.in_(part))).rowcount
    if deleted and store.dialect.name == "sqlite":
        with store.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return deleted


def rewrap_all() -> int:
    """Wrap every data key with the current (first) master key; returns keys rewritten."""
    count = 0
    fernet = get_fernet()
    with get_keystore().begin() as conn:
        for key_id, wrapped in conn.execute(select(datakey.c.id, datakey.c.wrapped)).all():
            conn.execute(
                datakey.update()
                .where(datakey.c.id == key_id)
                .values(wrapped=fernet.rotate(wrapped.encode("ascii")).decode("ascii"))
            )
            count += 1
    return count


def made_before(moment: datetime) -> list[str]:
    """The ids of the data keys created before `moment`."""
    with get_keystore().connect() as conn:
        query = select(datakey.c.id).where(datakey.c.created_at < moment)
        return list(conn.execute(query).scalars())


def exists(key_id: str) -> bool:
    with get_keystore().connect() as conn:
        return conn.execute(select(datakey.c.id).where(datakey.c.id == key_id)).first() is not None


def forget_cached() -> None:
    """Drop every unwrapped key this process holds (tests; after restoring a key store)."""
    _cache.clear()
