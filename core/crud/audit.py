"""The audit log: append an action, read the newest. Nothing here changes or removes an entry."""

from __future__ import annotations

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


def recent_actions(*, session: Session, limit: int = RECENT_LIMIT) -> list[AuditRow]:
    """The newest `limit` entries, newest first, decrypted."""
    query = (
        select(AuditEntry)
        .order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    )
    return [
        AuditRow(as_utc(e.created_at), e.action, e.actor, e.address, dict(e.details))
        for e in session.exec(query).all()
    ]
