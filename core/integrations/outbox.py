"""Writing to the outbox in the caller's transaction, and what the admin does with it: list the
entries waiting or given up on, and retry a dead one.

An entry written with the event that caused it is committed (or rolled back) with that event,
so an alert is never sent about something that did not happen, nor lost when the receiver is
down: the jobs runner delivers it later (core/integrations/delivery.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.crypto import keyed
from core.models import Conversation, OutboxChannel, OutboxEntry, OutboxEntryPublic, OutboxStatus
from core.models._types import as_utc, utcnow
from core.privacy import shredding

LIST_LIMIT = 200  # newest entries the admin lists per state


def enqueue(
    *,
    session: Session,
    channel: OutboxChannel,
    payload: dict[str, Any],
    key: str,
    conversation_id: int | None = None,
) -> bool:
    """Write one entry for `channel` in the caller's transaction. `key` is its idempotency key:
    a second entry with a key already written (a retried request) is dropped. Returns whether
    the entry is new."""
    now = utcnow()
    # Written with the data key of the conversation's visitor: it goes when they are erased.
    data_key = shredding.key_for_conversation(session=session, conversation_id=conversation_id)
    values = {
        "channel": OutboxChannel(channel),
        "idempotency_key": key,
        "conversation_id": conversation_id,
        "payload": keyed(payload, data_key),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "unsure": False,
        "next_attempt_at": now,
        "created_at": now,
        "started_at": now,
    }
    # ON CONFLICT DO NOTHING rather than a look first: two transactions writing one key at once
    # would both find nothing, and the second would fail its whole transaction at commit.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(OutboxEntry)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(col(OutboxEntry.id))
    )
    return session.connection().execute(statement).first() is not None


def written(*, session: Session, key: str) -> bool:
    """Whether an entry with idempotency key `key` is in the outbox (until it is purged)."""
    found = session.exec(select(OutboxEntry.id).where(col(OutboxEntry.idempotency_key) == key))
    return found.first() is not None


def list_entries(
    *, session: Session, statuses: Sequence[OutboxStatus], limit: int = LIST_LIMIT
) -> list[OutboxEntryPublic]:
    """Entries in the given states, newest first, decrypted, with the conversation they are
    about."""
    query = (
        select(OutboxEntry, Conversation.public_id)
        .outerjoin(Conversation, col(Conversation.id) == OutboxEntry.conversation_id)
        .where(col(OutboxEntry.status).in_([str(s) for s in statuses]))
        .order_by(col(OutboxEntry.id).desc())
        .limit(limit)
    )
    rows = []
    for entry, public_id in session.exec(query).all():
        assert entry.id is not None
        rows.append(
            OutboxEntryPublic(
                id=entry.id,
                channel=entry.channel,
                status=entry.status,
                attempts=entry.attempts,
                summary=str(entry.payload.get("text", "")),
                last_error=entry.last_error,
                created_at=as_utc(entry.created_at),
                next_attempt_at=as_utc(entry.next_attempt_at),
                delivered_at=None if entry.delivered_at is None else as_utc(entry.delivered_at),
                conversation_public_id=public_id,
            )
        )
    return rows


def retry(*, session: Session, entry_id: int) -> bool:
    """Send a dead entry again: due now, with a new round of attempts (and OUTBOX_MAX_AGE_HOURS
    from now before it is dead again). Returns False when the entry is not dead (already
    retried, or delivered meanwhile)."""
    now = utcnow()
    result = session.connection().execute(
        update(OutboxEntry)
        .where(col(OutboxEntry.id) == entry_id, col(OutboxEntry.status) == OutboxStatus.DEAD)
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            started_at=now,
            claimed_until=None,
            claim_token=None,
            last_error=None,
        )
    )
    return bool(result.rowcount)
