"""Retention: conversations whose last message is older than RETENTION_CONVERSATION_DAYS are
erased with everything about them, and analytics events and widget clicks older than
RETENTION_EVENT_DAYS are deleted (0 keeps them for ever, the default).

A conversation goes the way an erasure takes a visitor (core/privacy/erasure.py, driven by the
registry): its messages, contact requests, ratings, facts, reviews and outbox entries deleted,
its events and clicks kept for the counts without anything that leads back (a new pseudonymous
key). A visitor left with no conversation, and older than the limit, goes too. Work is done in
batches of BATCH conversations, one transaction each, so a year of backlog neither holds one
huge transaction nor keeps the chat waiting; SQLite's file is rebuilt once at the end (its free
pages would otherwise keep the erased bytes). Each run that erased anything is one entry in the
audit log, with counts only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from core.crud import audit
from core.db import session_scope
from core.models import AnalyticsEvent, Conversation, Visitor, WidgetClick
from core.models._types import utcnow
from core.models.audit import AuditAction
from core.privacy import shredding
from core.privacy.erasure import erase_subject, wipe_free_space
from core.privacy.registry import Subject, entries
from core.privacy.subjects import Found, Lookup, chunks, leading
from core.settings import Settings

BATCH = 500  # conversations erased per transaction
EVENT_BATCH = 5000  # events or clicks deleted per transaction


@dataclass
class Retained:
    """What a run erased (or, dry, would erase): rows per table."""

    deleted: Counter[str] = field(default_factory=Counter)
    anonymised: Counter[str] = field(default_factory=Counter)

    @property
    def anything(self) -> bool:
        return any(self.deleted.values()) or any(self.anonymised.values())

    def summary(self) -> str:
        if not self.anything:
            return "Nothing is older than the retention limits."
        parts = [
            f"{how} " + ", ".join(f"{table} {n}" for table, n in sorted(counts.items()) if n)
            for how, counts in (("deleted", self.deleted), ("anonymised", self.anonymised))
            if any(counts.values())
        ]
        return "; ".join(parts) + "."


def _expired(session: Session, before: datetime, after: int) -> list[int]:
    """The next BATCH conversations (by id, after `after`) last written in before `before`."""
    query = (
        select(col(Conversation.id))
        .where(col(Conversation.last_message_at) < before, col(Conversation.id) > after)
        .order_by(col(Conversation.id))
        .limit(BATCH)
    )
    return [int(i) for i in session.execute(query).scalars()]


def _leaving(session: Session, conversation_ids: list[int], before: datetime) -> tuple[int, ...]:
    """Visitors created before `before` whose every conversation is among these."""
    owners = select(col(Conversation.visitor_id)).where(col(Conversation.id).in_(conversation_ids))
    still = select(col(Conversation.visitor_id)).where(
        col(Conversation.id).not_in(conversation_ids)
    )
    query = select(col(Visitor.id)).where(
        col(Visitor.id).in_(owners), col(Visitor.id).not_in(still), col(Visitor.created_at) < before
    )
    return tuple(sorted(int(i) for i in session.execute(query).scalars()))


def rows_of(session: Session, conversation_ids: list[int], visitor_ids: tuple[int, ...]) -> Found:
    """The registry's rows about these conversations (each table's rows found along its path
    to the conversation), and the visitor rows given."""
    tables = SQLModel.metadata.tables
    rows: dict[str, tuple[Any, ...]] = {}
    for item in entries(Subject.VISITOR):
        table = tables[item.table]
        (pk,) = table.primary_key.columns
        if item.table == "conversation":
            rows[item.table] = tuple(conversation_ids)
        elif item.table == "visitor":
            rows[item.table] = visitor_ids
        elif "conversation_id" in item.path:
            prefix = item.path[: item.path.index("conversation_id") + 1]
            found: set[Any] = set()
            for part in chunks(conversation_ids):
                found.update(session.execute(leading(table, prefix, pk, list(part))).scalars())
            rows[item.table] = tuple(sorted(found))
        else:
            rows[item.table] = ()
    return Found(Lookup.VISITOR, "retention", visitor_ids, (), rows)


def _old_events(session: Session, before: datetime, dry_run: bool, done: Retained) -> bool:
    """One batch of events and clicks older than `before`; whether there may be more."""
    more = False
    for name in (AnalyticsEvent.__tablename__, WidgetClick.__tablename__):
        table = SQLModel.metadata.tables[str(name)]
        ids = select(table.c.id).where(table.c.created_at < before).limit(EVENT_BATCH)
        if dry_run:
            counted = session.execute(
                select(func.count()).select_from(table).where(table.c.created_at < before)
            ).scalar_one()
            done.deleted[table.name] += int(counted)
            continue
        result: Any = session.execute(delete(table).where(table.c.id.in_(ids)))
        gone = int(result.rowcount or 0)
        done.deleted[table.name] += gone
        more = more or gone == EVENT_BATCH
    return more


def apply(
    *,
    engine: Engine,
    settings: Settings,
    actor: audit.Actor,
    now: datetime | None = None,
    dry_run: bool = False,
) -> Retained:
    """Erase what is older than the limits (or, `dry_run`, count it and change nothing)."""
    now = now or utcnow()
    done = Retained()
    if settings.RETENTION_CONVERSATION_DAYS:
        before = now - timedelta(days=settings.RETENTION_CONVERSATION_DAYS)
        after = 0
        while True:
            with session_scope(engine) as session:
                ids = _expired(session, before, after)
                if not ids:
                    break
                after = ids[-1]
                found = rows_of(session, ids, _leaving(session, ids, before))
                if dry_run:
                    for table, keys in found.rows.items():
                        done.deleted[table] += len(keys)
                    session.rollback()
                    continue
                erased = erase_subject(session=session, found=found)
                done.deleted.update(erased.deleted)
                done.anonymised.update(erased.anonymised)
            shredding.destroy_or_leave(erased.keys)
    if settings.RETENTION_EVENT_DAYS:
        before = now - timedelta(days=settings.RETENTION_EVENT_DAYS)
        more = True
        while more:
            with session_scope(engine) as session:
                more = _old_events(session, before, dry_run, done)
                if dry_run:
                    session.rollback()
    if done.anything and not dry_run:
        with session_scope(engine) as session:
            audit.record_action(
                session=session,
                action=AuditAction.RETENTION,
                actor=actor,
                details={
                    "rows": {k: v for k, v in done.deleted.items() if v},
                    "anonymised": {k: v for k, v in done.anonymised.items() if v},
                },
            )
        wipe_free_space(engine)
    return done
