"""Delivering the outbox: claim due entries, send each through its channel, record the outcome.

A claim is a lease: the entry is the claiming runner's until `claimed_until`, so two runners
never send one entry at once, and one killed mid-delivery (kill -9, a lost machine) leaves it
to whoever claims it after the lease runs out. That second delivery carries the same
idempotency key, so the receiver can tell a repeat. Claiming locks the rows it takes:
PostgreSQL `FOR UPDATE SKIP LOCKED` (runners take different rows side by side); SQLite an
immediate transaction (one writer at a time, taken before the due rows are read).

Entries of one conversation on one channel go out in the order they were written: an entry
waits while an earlier one of its conversation and channel is still pending or failing.

Nothing is sent inside a database transaction: the claim commits, the receiver is called, and
the outcome is written in a transaction of its own, only while the claim is still ours."""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, delete, exists, or_, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core import data_keys
from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from core.models._types import as_utc, utcnow
from core.models.outbox import DUE_STATES
from core.settings import Settings

# A CRM deletion of an erased visitor holds their address: gone from the outbox once delivered.
ERASING_CHANNELS = (OutboxChannel.HUBSPOT_ERASURE, OutboxChannel.SALESFORCE_ERASURE)

log = logging.getLogger(__name__)

ERROR_CHARS = 1000  # of a receiver's error kept on the entry


@dataclass(frozen=True)
class Outgoing:
    """A claimed entry as its channel's delivery function receives it."""

    id: int
    channel: str
    key: str  # the idempotency key: send it so the receiver can drop a repeat
    payload: dict[str, Any]
    attempt: int  # 1 for the first
    conversation_id: int | None
    created_at: datetime
    started_at: datetime  # of the current round of attempts (OUTBOX_MAX_AGE_HOURS counts from it)
    # An earlier runner died while sending it: the receiver may have it already. A channel that
    # can look (Slack: the channel's history) does so before sending again.
    unsure: bool
    token: str  # the claim's, for recording the outcome


# A channel's delivery function: returns when the receiver has the entry (with what the receiver
# calls it, when the channel says: a CRM's record id), raises otherwise.
Deliver = Callable[[Outgoing, Settings], str | None]


class Undeliverable(Exception):
    """Raised by a delivery function when trying again cannot help: the entry is dead at once."""


@dataclass(frozen=True)
class DrainResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    def __add__(self, other: DrainResult) -> DrainResult:
        return DrainResult(
            self.delivered + other.delivered, self.failed + other.failed, self.dead + other.dead
        )


def backoff_seconds(
    attempt: int, settings: Settings, rand: Callable[[], float] = random.random
) -> float:
    """The wait before trying again after failed attempt number `attempt` (1 for the first):
    the base delay doubled per attempt, capped, less a random part of up to half ("equal
    jitter"), so runners retrying after one outage do not all come back at once."""
    ceiling = min(
        settings.OUTBOX_BACKOFF_MAX_SECONDS,
        settings.OUTBOX_BACKOFF_BASE_SECONDS * 2 ** min(attempt - 1, 62),
    )
    return ceiling / 2 + rand() * ceiling / 2


def _due(now: datetime, due_by: datetime) -> Any:
    earlier = aliased(OutboxEntry)
    waits_for_earlier = exists().where(
        col(earlier.conversation_id) == OutboxEntry.conversation_id,
        col(earlier.channel) == OutboxEntry.channel,
        col(earlier.id) < OutboxEntry.id,
        col(earlier.status).in_([str(s) for s in DUE_STATES]),
    )
    return and_(
        col(OutboxEntry.status).in_([str(s) for s in DUE_STATES]),
        col(OutboxEntry.next_attempt_at) <= due_by,
        or_(col(OutboxEntry.claimed_until).is_(None), col(OutboxEntry.claimed_until) <= now),
        or_(col(OutboxEntry.conversation_id).is_(None), ~waits_for_earlier),
    )


def claim(
    *,
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    due_by: datetime | None = None,
) -> list[Outgoing]:
    """Take up to OUTBOX_BATCH_SIZE entries due by `due_by` (default: now) for
    OUTBOX_LEASE_SECONDS, oldest first, and count the attempt (a runner that dies on an entry
    still used one)."""
    now = now or utcnow()
    due = _due(now, due_by or now)
    with Session(engine) as session:
        # A look without locking first: an idle runner does not take SQLite's write lock (or
        # PostgreSQL row locks) every few seconds.
        if session.exec(select(OutboxEntry.id).where(due).limit(1)).first() is None:
            return []
    token = uuid.uuid4().hex
    with Session(engine, expire_on_commit=False) as session:
        if engine.dialect.name == "sqlite":
            # The write lock before reading, so no other runner claims what this one reads.
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        query = (
            select(OutboxEntry)
            .where(due)
            .order_by(col(OutboxEntry.id))
            .limit(settings.OUTBOX_BATCH_SIZE)
        )
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxEntry)  # type: ignore[arg-type]
        entries = session.exec(query).all()
        until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        for entry in entries:
            if entry.claim_token is not None:  # the last claim ran out without an outcome
                entry.unsure = True
            entry.claimed_until = until
            entry.claim_token = token
            entry.attempts += 1
            session.add(entry)
        session.commit()
    claimed = []
    for entry in entries:
        assert entry.id is not None
        claimed.append(
            Outgoing(
                id=entry.id,
                channel=entry.channel,
                key=entry.idempotency_key,
                payload=entry.payload,
                attempt=entry.attempts,
                conversation_id=entry.conversation_id,
                created_at=as_utc(entry.created_at),
                started_at=as_utc(entry.started_at),
                unsure=entry.unsure,
                token=token,
            )
        )
    return claimed


def _record(engine: Engine, outgoing: Outgoing, values: dict[str, Any]) -> bool:
    """Write an outcome while the claim is still ours: a runner that overran its lease does not
    overwrite what the runner that took the entry over recorded."""
    with Session(engine) as session:
        result = session.connection().execute(
            update(OutboxEntry)
            .where(
                col(OutboxEntry.id) == outgoing.id,
                col(OutboxEntry.claim_token) == outgoing.token,
            )
            .values(claimed_until=None, claim_token=None, **values)
        )
        session.commit()
    if not result.rowcount:
        log.warning(
            "outbox entry %s: the lease ran out before the outcome was recorded", outgoing.id
        )
    return bool(result.rowcount)


def deliver_one(
    *,
    engine: Engine,
    settings: Settings,
    outgoing: Outgoing,
    deliverers: Mapping[str, Deliver],
    now: Callable[[], datetime] = utcnow,
) -> OutboxStatus:
    """Send one claimed entry and record what became of it."""
    deliver = deliverers.get(outgoing.channel)
    try:
        if deliver is None:
            raise Undeliverable(f"no delivery function for channel {outgoing.channel!r}")
        receipt = deliver(outgoing, settings)
    except Exception as exc:  # any failure of the receiver or the network is retried
        error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
        at = now()
        age = at - outgoing.started_at
        if isinstance(exc, Undeliverable) or age >= timedelta(hours=settings.OUTBOX_MAX_AGE_HOURS):
            status = OutboxStatus.DEAD
            retry_at = at
        else:
            status = OutboxStatus.FAILED
            retry_at = at + timedelta(seconds=backoff_seconds(outgoing.attempt, settings))
        log.warning("outbox entry %s (%s) %s: %s", outgoing.id, outgoing.channel, status, error)
        _record(
            engine, outgoing, {"status": status, "last_error": error, "next_attempt_at": retry_at}
        )
        return status
    _record(
        engine,
        outgoing,
        {
            "status": OutboxStatus.DELIVERED,
            "delivered_at": now(),
            "last_error": None,
            "unsure": False,
            "receipt": receipt,
        },
    )
    return OutboxStatus.DELIVERED


def release(*, engine: Engine, outgoing: Outgoing) -> None:
    """Give back a claimed entry without trying it (the runner is stopping): due again at once,
    and the attempt it was counted does not count."""
    _record(engine, outgoing, {"attempts": OutboxEntry.attempts - 1})


def drain(
    *,
    engine: Engine,
    settings: Settings,
    deliverers: Mapping[str, Deliver],
    stop: threading.Event | None = None,
) -> DrainResult:
    """Claim and deliver batches until nothing is due (or `stop` is set: the entries claimed
    but not yet tried are given back). Each entry is tried at most once per drain: one that
    fails is due again only after the drain started."""
    total = DrainResult()
    started = utcnow()
    while stop is None or not stop.is_set():
        batch = claim(engine=engine, settings=settings, due_by=started)
        if not batch:
            break
        counts = {status: 0 for status in OutboxStatus}
        for index, outgoing in enumerate(batch):
            if stop is not None and stop.is_set():
                for left in batch[index:]:
                    release(engine=engine, outgoing=left)
                break
            status = deliver_one(
                engine=engine, settings=settings, outgoing=outgoing, deliverers=deliverers
            )
            counts[status] += 1
        total += DrainResult(
            counts[OutboxStatus.DELIVERED], counts[OutboxStatus.FAILED], counts[OutboxStatus.DEAD]
        )
    return total


def purge_delivered(*, engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Delete entries delivered more than OUTBOX_KEEP_DAYS ago, and delivered CRM deletions at
    once, destroying the key their address was encrypted with. Returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    delivered = col(OutboxEntry.status) == OutboxStatus.DELIVERED
    erasing = col(OutboxEntry.channel).in_(ERASING_CHANNELS)
    raw = sa_table("outboxentry", sa_column("id"), sa_column("payload", Text()))
    with Session(engine) as session:
        done = (
            session.connection()
            .execute(
                select(raw.c.id, raw.c.payload).where(
                    raw.c.id.in_(select(OutboxEntry.id).where(delivered, erasing))
                )
            )
            .all()
        )
        result = session.connection().execute(
            delete(OutboxEntry).where(
                delivered, or_(col(OutboxEntry.delivered_at) < cutoff, erasing)
            )
        )
        session.commit()
    data_keys.destroy(k for _, token in done if (k := data_keys.key_id_of(token)))
    return int(result.rowcount)
