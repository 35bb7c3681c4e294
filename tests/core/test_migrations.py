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
