"""Encryption at rest: no plaintext in the database, keys in a private file, rotation."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import Engine

from core import crypto, data_keys
from core.manage import rotate_keys
from core.settings import Settings
from tests.factories import make_conversation

SECRET = "my card ends 4242 and I live at 7 Secret Lane"


@pytest.fixture
def stored_message(engine: Engine) -> int:
    from core.crud import messages as msg_crud
    from core.db import session_scope

    with session_scope(engine) as session:
        conversation = make_conversation(session, ("visitor", SECRET))
        return msg_crud.last_message_id(session=session, conversation=conversation)


def stored_token(engine: Engine, message_id: int) -> str:
    """The message text as the database holds it, without decrypting."""
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT text FROM message WHERE id = :id"), {"id": message_id}
            ).scalar_one()
        )


def test_round_trip_and_key_file_is_private(settings: Settings) -> None:
    token = crypto.encrypt("hello")
    assert token != "hello" and crypto.decrypt(token) == "hello"
    path = crypto.key_file(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_database_holds_no_message_plaintext(
    engine: Engine, stored_message: int, settings: Settings
) -> None:
    raw = stored_token(engine, stored_message)
    assert SECRET not in raw and "4242" not in raw
    if engine.dialect.name == "sqlite":
        engine.dispose()  # checkpoint the WAL so the main file holds everything
        files = [str(p) for p in Path(settings.DATA_DIR).glob("*.db*")]
        # Read by another process (closing a file this one opened drops SQLite's locks on it).
        blob = subprocess.run(["cat", *files], check=True, capture_output=True).stdout
        assert b"Secret Lane" not in blob


def test_old_key_still_decrypts_after_a_new_key_is_added(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setattr(crypto, "get_settings", lambda: Settings(ENCRYPTION_KEYS=old))
    crypto.get_fernet.cache_clear()
    try:
        token = crypto.encrypt("before rotation")
        monkeypatch.setattr(
            crypto, "get_settings", lambda: Settings(ENCRYPTION_KEYS=f"{new},{old}")
        )
        crypto.get_fernet.cache_clear()
        assert crypto.decrypt(token) == "before rotation"
        rotated = crypto.rotate_token(token)
        assert Fernet(new.encode()).decrypt(rotated.encode()) == b"before rotation"
    finally:
        crypto.get_fernet.cache_clear()


def test_rotate_keys_rewraps_every_data_key(
    engine: Engine, stored_message: int, settings: Settings
) -> None:
    """A visitor's message is encrypted with their data key, which rotation wraps with the new
    master key: the new key alone then reads the row, and the row itself need not change."""
    before = stored_token(engine, stored_message)
    key_id = data_keys.key_id_of(before)
    assert key_id is not None
    old_keys = crypto.load_keys(settings)
    new_key = crypto.add_key_to_file(settings)
    assert crypto.load_keys(settings) == [new_key, *old_keys]
    assert rotate_keys(engine) >= 1
    assert stored_token(engine, stored_message) == before
    with data_keys.get_keystore().connect() as conn:
        wrapped = conn.execute(
            text("SELECT wrapped FROM datakey WHERE id = :id"), {"id": key_id}
        ).scalar_one()
    data_key = Fernet(new_key.encode()).decrypt(wrapped.encode())
    token = before.split(":", 2)[2]
    assert Fernet(data_key).decrypt(token.encode()).decode() == SECRET


def test_a_running_process_reads_rows_rotated_by_another(settings: Settings) -> None:
    assert crypto.decrypt(crypto.encrypt("warm the key cache")) == "warm the key cache"
    # Another process (`core.manage rotate-keys --new-key`) writes a new first key...
    newer = Fernet.generate_key().decode()
    path = crypto.key_file(settings)
    path.write_text("\n".join([newer, *crypto.load_keys(settings)]) + "\n")
    token = Fernet(newer.encode()).encrypt(b"rotated elsewhere").decode()
    # ...and this process, which cached the old keys, still reads what it re-encrypted.
    assert crypto.decrypt(token) == "rotated elsewhere"


def test_bad_key_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="not a valid Fernet key"):
        crypto.load_keys(Settings(ENCRYPTION_KEYS="not-a-key"))


def test_production_refuses_placeholder_secrets() -> None:
    with pytest.raises(ValueError, match="sample value"):
        Settings(ENVIRONMENT="production", SECRET_KEY="changeme")
