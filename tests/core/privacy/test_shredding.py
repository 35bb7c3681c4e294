"""The chat server and `migrate` refuse to start on a key store that holds none of the latest
visitors' keys (a moved DATA_DIR/keys, a KEYSTORE_URL naming another database), where every
visitor would read as erased."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import data_keys
from core.db import session_scope
from core.privacy.shredding import KeyStoreMissing, check_key_store
from core.settings import Settings
from tests.factories import make_conversation


@pytest.fixture
def other_key_store(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A visitor written with the key store, then KEYSTORE_URL naming another (empty) one."""
    with session_scope(engine) as session:
        make_conversation(session, ("visitor", "hello"))
    monkeypatch.setattr(settings, "KEYSTORE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    data_keys.get_keystore.cache_clear()
    data_keys.forget_cached()
    yield
    monkeypatch.undo()
    data_keys.get_keystore.cache_clear()
    data_keys.forget_cached()


def test_the_right_key_store_passes(engine: Engine) -> None:
    with session_scope(engine) as session:
        make_conversation(session, ("visitor", "hello"))
    with Session(engine) as session:
        check_key_store(session=session)


def test_a_key_store_without_the_visitors_keys_is_refused(
    engine: Engine, other_key_store: None
) -> None:
    with Session(engine) as session, pytest.raises(KeyStoreMissing, match="restore it"):
        check_key_store(session=session)
