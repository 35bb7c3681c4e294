"""Per-visitor data keys: every personal value stored about a visitor (in each table of the
privacy registry) is encrypted with their own key, kept wrapped in a private key store apart
from the database; once the key is destroyed those values read as erased."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from core import data_keys
from core.crud.audit import Actor
from core.crypto import ERASED, EncryptedText
from core.db import session_scope
from core.models import Conversation, Message, Visitor
from core.privacy.erasure import erase
from core.privacy.registry import Subject, entries
from core.privacy.subjects import Lookup
from core.settings import Settings
from tests.factories import make_person


def encrypted_with(engine: Engine, key_id: str) -> dict[str, set[str]]:
    """For each visitor table, its personal columns holding values encrypted with `key_id`."""
    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for item in entries(Subject.VISITOR):
            table = SQLModel.metadata.tables[item.table]
            names = [n for n in item.personal if isinstance(table.c[n].type, EncryptedText)]
            for name in names:
                rows = conn.execute(text(f'SELECT {name} FROM "{item.table}"')).scalars()
                for token in rows:
                    if token and data_keys.key_id_of(token) == key_id:
                        found.setdefault(item.table, set()).add(name)
    return found


def test_a_visitors_personal_values_use_their_own_key_from_a_private_store(
    engine: Engine, settings: Settings
) -> None:
    with session_scope(engine) as session:
        jo, sam = make_person(session), make_person(session)
    with session_scope(engine) as session:  # an agent notes the visitor's details later
        visitor = session.get(Visitor, jo.visitor_id)
        assert visitor is not None
        visitor.name, visitor.email, visitor.phone = jo.name, jo.email, jo.phone
    with Session(engine) as session:
        keys = [session.get(Visitor, p.visitor_id).data_key_id for p in (jo, sam)]  # type: ignore[union-attr]
    assert None not in keys and keys[0] != keys[1]

    assert encrypted_with(engine, keys[0]) == {  # type: ignore[arg-type]
        "visitor": {"email", "phone", "name"},
        "conversation": {"page_url"},
        "message": {"text", "entities"},
        "contactrequest": {"name", "email", "phone", "message"},
        "feedback": {"comment"},
        "analyticsevent": {"private_properties"},  # tracked by their browser before the chat
    }
    path = settings.keys_dir / data_keys.KEYSTORE_FILE
    assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600
    with data_keys.get_keystore().connect() as conn:
        wrapped = conn.execute(select(data_keys.datakey.c.wrapped)).scalars().all()
    assert wrapped and all(w.startswith("gAAAAA") for w in wrapped)  # wrapped by the master key


def test_values_whose_key_is_destroyed_read_as_erased(engine: Engine) -> None:
    with session_scope(engine) as session:
        jo = make_person(session)
        visitor = session.get(Visitor, jo.visitor_id)
        assert visitor is not None
        visitor.email = jo.email
    with Session(engine) as session:
        visitor = session.get(Visitor, jo.visitor_id)
        assert visitor is not None and visitor.email == jo.email
        key_id = visitor.data_key_id
    assert key_id is not None and data_keys.destroy([key_id]) == 1
    with Session(engine) as session:
        visitor = session.get(Visitor, jo.visitor_id)
        assert visitor is not None and visitor.email == ERASED
        said = session.scalars(
            select(Message)
            .join(Conversation, col(Conversation.id) == Message.conversation_id)
            .where(col(Conversation.public_id) == jo.conversation_id)
        ).all()
        assert [(m.text, m.entities) for m in said] == [(ERASED, []), (ERASED, [])]
    assert data_keys.destroy([key_id]) == 0  # destroying it again is no error
    # What a backup restored after an erasure would hold; the live database loses the rows too.
    erase(lookup=Lookup.VISITOR, value=jo.public_id, actor=Actor(name="test"), engine=engine)
