"""One migration history matches the models on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from core.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_upgrading_encrypts_the_entities_already_stored_and_downgrading_restores_them(
    tmp_path: Path,
) -> None:
    """Migration 0010 on a database with a message whose entities were stored in clear (an
    e-mail address): after it the column holds no e-mail in clear and the model reads it back;
    a downgrade gives the plain list again."""
    from core.crypto import encrypt
    from core.models import Message

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, "0009")
    engine = make_engine(url)
    found = [{"type": "EMAIL", "text": "sam@example.org", "value": "sam@example.org"}]
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO visitor (public_id, language, created_at) VALUES ('v', 'en', :now)"),
            {"now": "2026-12-01 10:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO conversation (public_id, visitor_id, status, language,"
                " language_source, channel, urgency, created_at, last_message_at)"
                " VALUES ('c', 1, 'bot', 'en', 'auto', 'widget', 'normal', :now, :now)"
            ),
            {"now": "2026-12-01 10:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO message (conversation_id, role, text, created_at, quick_replies,"
                " actions, flags, rich, entities)"
                " VALUES (1, 'visitor', :said, :now, '[]', '[]', '[]', '[]', :found)"
            ),
            {"said": encrypt("hi"), "now": "2026-12-01 10:00:00", "found": json.dumps(found)},
        )

    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert "sam@example.org" not in conn.execute(text("SELECT entities FROM message")).scalar()
    with Session(engine) as session:
        assert session.exec(select(Message)).one().entities == found

    command.downgrade(config, "0009")
    with engine.connect() as conn:
        assert json.loads(conn.execute(text("SELECT entities FROM message")).scalar()) == found
    engine.dispose()


NOW = "2026-12-01 10:00:00"


def _database_at(tmp_path: Path, revision: str) -> tuple[Config, Engine]:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, revision)
    return config, make_engine(url)


def _seed_0009(engine: Engine, *, page_url: str | None = None) -> None:
    """A conversation (started on `page_url`) with a visitor message, the owner's review of it,
    the visitor's feedback on it and a contact request, as stored at revision 0009."""
    from core.crypto import encrypt

    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO visitor (public_id, language, created_at) VALUES ('v', 'en', :now)"),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO conversation (public_id, visitor_id, status, language,"
                " language_source, channel, urgency, created_at, last_message_at, page_url)"
                " VALUES ('c', 1, 'bot', 'en', 'auto', 'widget', 'normal', :now, :now, :page)"
            ),
            {"now": NOW, "page": page_url},
        )
        conn.execute(
            text(
                "INSERT INTO message (conversation_id, role, text, created_at, quick_replies,"
                " actions, flags, rich, entities)"
                " VALUES (1, 'visitor', :said, :now, '[]', '[]', '[]', '[]', '[]')"
            ),
            {"said": encrypt("hi"), "now": NOW},
        )
        conn.execute(
            text(
                'INSERT INTO "user" (email, name, role, active, password_hash, created_at)'
                " VALUES ('owner@example.org', 'Owner', 'owner', true, 'x', :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO answerreview (message_id, reviewed_by, reviewed_at) VALUES (1, 1, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO feedback (conversation_id, message_id, rating, created_at)"
                " VALUES (1, 1, -1, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO contactrequest (conversation_id, name, email, phone, message, status,"
                " created_at) VALUES (1, :x, :x, :x, :x, 'new', :now)"
            ),
            {"x": encrypt("x"), "now": NOW},
        )


def _links(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(text(query)).all()
            for query in (
                "SELECT message_id, reviewed_by FROM answerreview",
                "SELECT conversation_id, message_id FROM feedback",
                "SELECT conversation_id FROM contactrequest",
                "SELECT conversation_id FROM message",
            )
        )


def test_rebuilding_a_table_on_sqlite_keeps_the_rows_pointing_at_it(tmp_path: Path) -> None:
    """SQLite migrations rebuild a table to change it; the reviews, feedback and contact requests
    pointing at its rows are neither deleted nor unlinked (foreign keys fire no ON DELETE)."""
    config, engine = _database_at(tmp_path, "0009")
    _seed_0009(engine)
    before = _links(engine)
    assert before == ([(1, 1)], [(1, 1)], [(1,)], [(1,)])
    command.upgrade(config, "head")
    assert _links(engine) == before
    command.downgrade(config, "0009")
    assert _links(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_upgrading_encrypts_the_page_urls_already_stored_and_downgrading_restores_them(
    tmp_path: Path,
) -> None:
    """Migration 0011 on a database whose conversation kept its page in clear: after it the
    column holds a token, only the path's first segment stays plain (for the flows filter) and
    the model reads the URL back; a downgrade gives the plain URL again."""
    from core.models import Conversation

    page = "https://shop.example/account/jo.bloggs/orders/A77881"
    config, engine = _database_at(tmp_path, "0009")
    _seed_0009(engine, page_url=page)

    command.upgrade(config, "head")
    with engine.connect() as conn:
        stored, section = conn.execute(
            text("SELECT page_url, page_section FROM conversation")
        ).one()
    assert "jo.bloggs" not in stored and "A77881" not in stored and "account" not in stored
    assert section == "/account"
    with Session(engine) as session:
        assert session.exec(select(Conversation)).one().page_url == page

    command.downgrade(config, "0010")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT page_url FROM conversation")).scalar() == page
    engine.dispose()


SCHEMA = "migration_test"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Config]:
    """An empty database to migrate up from an old revision: a SQLite file, and on PostgreSQL
    (when TEST_DATABASE_URL names one) a schema of its own in the test database."""
    config = Config(str(ROOT / "alembic.ini"))
    if request.param == "sqlite":
        config.attributes["url"] = f"sqlite:///{tmp_path / 'old.db'}"
        yield config
        return
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("runs on PostgreSQL when TEST_DATABASE_URL names one")
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    config.attributes["url"] = f"{base}?options=-csearch_path%3D{SCHEMA}"
    try:
        yield config
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


def test_upgrading_encrypts_user_names_and_private_event_properties(
    empty_database: Config,
) -> None:
    """Migration 0012 on a database from before it: the admin user's name and what was personal
    in events (a tracked step's properties, the agent's name) are no longer in clear and read
    back the same, the events' other properties stay plain; a downgrade restores all of it."""
    from core.models import AnalyticsEvent, User

    events = [
        ("tracked", {"product": "velo-quist-x"}),
        ("agent_joined", {"previous": "bot", "agent": "Wilhelmina Quarry"}),
        ("bot_answered", {"intent": "3", "kind": "answer"}),
    ]
    command.upgrade(empty_database, "0011")
    engine = make_engine(empty_database.attributes["url"])
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO "user" (email, name, role, active, password_hash, created_at)'
                " VALUES ('w@shop.example', 'Wilhelmina Quarry', 'agent', true, 'x', :now)"
            ),
            {"now": NOW},
        )
        for name, properties in events:
            conn.execute(
                text(
                    "INSERT INTO analyticsevent (name, properties, created_at)"
                    " VALUES (:name, :properties, :now)"
                ),
                {"name": name, "properties": json.dumps(properties), "now": NOW},
            )

    def stored() -> str:
        with engine.connect() as conn:
            names = conn.execute(text('SELECT name FROM "user"')).all()
            return str([*names, *conn.execute(text("SELECT * FROM analyticsevent"))])

    command.upgrade(empty_database, "head")
    assert [s for s in ("Wilhelmina", "velo-quist") if s in stored()] == []
    with Session(engine) as session:
        assert session.exec(select(User)).one().name == "Wilhelmina Quarry"
        moved = session.exec(select(AnalyticsEvent).order_by(col(AnalyticsEvent.id))).all()
        assert [(e.properties, e.private_properties) for e in moved] == [
            ({}, {"product": "velo-quist-x"}),
            ({"previous": "bot"}, {"agent": "Wilhelmina Quarry"}),
            ({"intent": "3", "kind": "answer"}, None),
        ]

    command.downgrade(empty_database, "0011")
    assert "Wilhelmina Quarry" in stored()
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT properties FROM analyticsevent ORDER BY id")).scalars()
        assert [json.loads(p) if isinstance(p, str) else p for p in kept] == [
            properties for _, properties in events
        ]
    engine.dispose()


def test_upgrading_computes_the_facts_of_the_conversations_already_stored(
    tmp_path: Path,
) -> None:
    """Migration 0013 on a database with a conversation (a visitor's message, rated 👎): its
    facts row is there after it, so the dashboards count it as before; a downgrade drops them."""
    config, engine = _database_at(tmp_path, "0009")
    _seed_0009(engine)

    command.upgrade(config, "head")
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT conversation_id, first_visitor, last_reply, disliked FROM conversationfacts"
            )
        ).one()
    assert tuple(row) == (1, 1, None, 1)

    command.downgrade(config, "0012")
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        assert "conversationfacts" not in set(tables)
    engine.dispose()


def test_upgrading_gives_each_visitor_a_data_key_for_what_is_stored_and_downgrading_undoes_it(
    tmp_path: Path,
) -> None:
    """Migration 0018 on a database written with the master keys only: the visitor gets a data
    key, and their message, page and contact request are re-encrypted with it (erasing them now
    destroys the key); a downgrade gives master-key tokens back, which read the same."""
    from core import data_keys
    from core.crypto import encrypt
    from core.models import ContactRequest, Conversation, Message

    config, engine = _database_at(tmp_path, "0009")
    _seed_0009(engine, page_url="https://shop.example/orders/7")
    command.upgrade(config, "0017")
    with engine.begin() as conn:  # and a contact form sent outside a chat
        conn.execute(
            text(
                "INSERT INTO contactrequest (name, email, phone, message, status, created_at)"
                " VALUES (:x, :x, :x, :x, 'new', :now)"
            ),
            {"x": encrypt("y"), "now": NOW},
        )
    query = (
        "SELECT m.text, c.page_url, r.email FROM message m, conversation c, contactrequest r"
        " WHERE r.conversation_id = 1"
    )
    chatless = "SELECT email FROM contactrequest WHERE conversation_id IS NULL"
    with engine.connect() as conn:
        assert [data_keys.key_id_of(t) for t in conn.execute(text(query)).one()] == [None] * 3

    command.upgrade(config, "head")
    with engine.connect() as conn:
        key_id = conn.execute(text("SELECT data_key_id FROM visitor")).scalar_one()
        tokens = conn.execute(text(query)).one()
        own = data_keys.key_id_of(conn.execute(text(chatless)).scalar_one())
    assert key_id is not None and data_keys.exists(key_id)
    assert [data_keys.key_id_of(t) for t in tokens] == [key_id] * 3
    assert own is not None and own != key_id  # a key of its own
    with Session(engine) as session:
        assert session.exec(select(Message)).one().text == "hi"
        assert session.exec(select(Conversation)).one().page_url == "https://shop.example/orders/7"
        emails = session.exec(select(ContactRequest.email).order_by(col(ContactRequest.id)))
        assert emails.all() == ["x", "y"]

    command.downgrade(config, "0017")
    with engine.connect() as conn:
        assert [data_keys.key_id_of(t) for t in conn.execute(text(query)).one()] == [None] * 3
        assert data_keys.key_id_of(conn.execute(text(chatless)).scalar_one()) is None
    command.upgrade(config, "head")
    with Session(engine) as session:
        assert session.exec(select(Message)).one().text == "hi"
    engine.dispose()
