"""The audit log: append an action, read the newest. Nothing here changes or removes an entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.models._types import as_utc
from core.models.audit import AuditAction, AuditEntry

RECENT_LIMIT = 50


@dataclass(frozen=True)
class Actor:
    """Who acts: an admin user (their id and e-mail address, the browser's address) or the
    command line (no user; named after the system user)."""

    name: str
    user_id: int | None = None
    address: str | None = None


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime  # UTC
    action: str
    actor: str
    address: str | None
    details: dict[str, Any]
    id: int = 0
    actor_id: int | None = None


def record_action(
    *, session: Session, action: AuditAction, actor: Actor, details: dict[str, Any]
) -> AuditEntry:
    """Append one entry in the caller's transaction (an erasure and its entry commit together)."""
    entry = AuditEntry(
        action=AuditAction(action),
        actor_id=actor.user_id,
        actor=actor.name,
        address=actor.address,
        details=details,
    )
    session.add(entry)
    session.flush()
    return entry


def recent_actions(
    *,
    session: Session,
    limit: int = RECENT_LIMIT,
    actions: Iterable[AuditAction] = (),
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> list[AuditRow]:
    """The newest `limit` entries, newest first, decrypted; only `actions` (all when empty), by
    the user `actor_id`, written in [since, until), and older than the entry `before_id` (the
    last one of the page before)."""
    query = select(AuditEntry)
    chosen = [str(AuditAction(a)) for a in actions]
    if chosen:
        query = query.where(col(AuditEntry.action).in_(chosen))
    if actor_id is not None:
        query = query.where(col(AuditEntry.actor_id) == actor_id)
    if since is not None:
        query = query.where(col(AuditEntry.created_at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.created_at) < until)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    # Ids grow with time (entries are only appended), so they order the log like created_at.
    query = query.order_by(col(AuditEntry.id).desc()).limit(limit)
    return [
        AuditRow(
            as_utc(e.created_at),
            e.action,
            e.actor,
            e.address,
            dict(e.details),
            id=e.id or 0,
            actor_id=e.actor_id,
        )
        for e in session.exec(query).all()
    ]
