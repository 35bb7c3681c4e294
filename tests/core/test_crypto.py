"""Encryption at rest: no plaintext in the database, keys in a private file, rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import Engine

from core import crypto
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
        files = [p for p in Path(settings.DATA_DIR).glob("*.db*")]
        blob = b"".join(p.read_bytes() for p in files)
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


def test_rotate_keys_reencrypts_every_row(
    engine: Engine, stored_message: int, settings: Settings
) -> None:
    before = stored_token(engine, stored_message)
    old_keys = crypto.load_keys(settings)
    new_key = crypto.add_key_to_file(settings)
    assert crypto.load_keys(settings) == [new_key, *old_keys]
    assert rotate_keys(engine) >= 1
    after = stored_token(engine, stored_message)
    assert after != before
    # The new key alone now reads the row: the old key could be retired.
    assert Fernet(new_key.encode()).decrypt(after.encode()).decode() == SECRET


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
