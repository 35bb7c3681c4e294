"""The audit log: entries come back newest first and decrypted, while who acted and from where
are stored encrypted; nothing in the crud module changes or removes an entry."""

from __future__ import annotations

import inspect
import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import audit
from core.db import session_scope
from core.models.audit import AuditAction
from tests.factories import make_user


def test_entries_read_back_newest_first_and_are_stored_encrypted(engine: Engine) -> None:
    who = audit.Actor(name=f"owner-{uuid.uuid4().hex[:8]}@example.com", address="198.51.100.7")
    with session_scope(engine) as session:
        first = audit.record_action(
            session=session, action=AuditAction.EXPORT, actor=who, details={"found_by": "email"}
        )
        audit.record_action(
            session=session,
            action=AuditAction.ERASURE,
            actor=who,
            details={"found_by": "email", "rows": {"visitor": 1}},
        )
    with Session(engine) as session:
        newest, older = audit.recent_actions(session=session, limit=2)
        stored = session.execute(
            text("SELECT actor, address, action FROM auditentry WHERE id = :id"), {"id": first.id}
        ).one()
    assert (newest.action, newest.actor, newest.address) == ("erasure", who.name, who.address)
    assert newest.details == {"found_by": "email", "rows": {"visitor": 1}}
    assert older.action == "export"
    assert who.name not in stored.actor and who.address not in stored.address
    assert stored.action == "export"  # the label stays plain, for filtering


def test_the_log_is_filtered_by_action_user_and_time_and_paged(engine: Engine) -> None:
    with session_scope(engine) as session:
        user = make_user(session)
        who = audit.Actor(name=user.email, user_id=user.id)
        someone = audit.Actor(name="command line (root)")
        for action, actor in (
            (AuditAction.SIGN_IN, who),
            (AuditAction.EXPORT, someone),
            (AuditAction.SETTINGS_CHANGE, who),
            (AuditAction.SIGN_OUT, who),
        ):
            audit.record_action(session=session, action=action, actor=actor, details={})
    with Session(engine) as session:
        theirs = audit.recent_actions(session=session, actor_id=user.id)
        assert [e.action for e in theirs] == ["sign-out", "settings-change", "sign-in"]
        signed = audit.recent_actions(
            session=session, actor_id=user.id, actions=[AuditAction.SIGN_IN, AuditAction.SIGN_OUT]
        )
        assert [e.action for e in signed] == ["sign-out", "sign-in"]
        older = audit.recent_actions(session=session, actor_id=user.id, before_id=theirs[0].id)
        assert older == theirs[1:]
        written = theirs[-1].created_at
        assert audit.recent_actions(session=session, actor_id=user.id, until=written) == []
        after = audit.recent_actions(
            session=session, actor_id=user.id, since=written + timedelta(hours=1)
        )
        assert after == []
        assert len(audit.recent_actions(session=session, since=written)) >= 4


def test_the_log_is_only_appended_to() -> None:
    functions = [name for name, _ in inspect.getmembers(audit, inspect.isfunction)]
    assert {"record_action", "recent_actions"} <= set(functions)
    assert [n for n in functions if n.startswith(("update", "delete", "remove", "edit"))] == []
