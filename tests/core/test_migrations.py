"""One migration history matches the models on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

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
