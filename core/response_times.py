"""How long a visitor waits for an answer, measured from stored messages (`/api/config`
`estimated_wait`).

- The bot: the median `latency_ms` of the most recent BOT_SAMPLE bot answers that have one, in
  seconds rounded to 0.1. None while no bot answer has been measured (a fresh install).
- An agent: over the last AGENT_WINDOW, the median time a visitor waited for an agent's reply.
  A wait starts at the first visitor message not yet answered (by the bot or an agent) and ends
  at the next agent message; waits ending with a bot answer are not an agent's. Seconds rounded
  to 0.1; None when no agent replied in the window.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.models import Message, Role
from core.models._types import as_utc, utcnow

BOT_SAMPLE = 200
AGENT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class EstimatedWait:
    bot_seconds: float | None
    agent_seconds: float | None


def bot_seconds(latencies_ms: Iterable[float]) -> float | None:
    values = list(latencies_ms)
    return round(statistics.median(values) / 1000, 1) if values else None


def agent_waits(
    messages: Iterable[tuple[int, str, datetime]], *, since: datetime | None = None
) -> list[float]:
    """Seconds each visitor waited for an agent, from (conversation_id, role, created_at) rows
    in conversation then time order. Waits whose agent reply came before `since` are left out."""
    waits: list[float] = []
    current: int | None = None
    waiting_since: datetime | None = None
    for conversation_id, role, created_at in messages:
        if conversation_id != current:
            current, waiting_since = conversation_id, None
        if role == Role.VISITOR:
            waiting_since = waiting_since or created_at
        elif role in (Role.BOT, Role.AGENT):
            answered = role == Role.AGENT and waiting_since is not None
            if answered and (since is None or created_at >= since):
                assert waiting_since is not None
                waits.append((created_at - waiting_since).total_seconds())
            waiting_since = None
    return waits


def agent_seconds(waits: Sequence[float]) -> float | None:
    return round(statistics.median(waits), 1) if waits else None


def estimated_wait(*, session: Session, now: datetime | None = None) -> EstimatedWait:
    """Both figures from the database (two small queries; message text is never read)."""
    latencies = session.exec(
        select(Message.latency_ms)
        .where(col(Message.role) == Role.BOT, col(Message.latency_ms).is_not(None))
        .order_by(col(Message.id).desc())
        .limit(BOT_SAMPLE)
    ).all()
    since = (now or utcnow()) - AGENT_WINDOW
    handled = (
        select(Message.conversation_id)
        .where(col(Message.role) == Role.AGENT, col(Message.created_at) >= since)
        .distinct()
    )
    rows = session.exec(
        select(Message.conversation_id, Message.role, Message.created_at)
        .where(col(Message.conversation_id).in_(handled))
        .order_by(col(Message.conversation_id), col(Message.created_at), col(Message.id))
    ).all()
    waits = agent_waits(((c, r, as_utc(t)) for c, r, t in rows), since=since)
    return EstimatedWait(
        bot_seconds=bot_seconds(x for x in latencies if x is not None),
        agent_seconds=agent_seconds(waits),
    )
