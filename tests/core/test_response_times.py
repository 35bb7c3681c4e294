"""Estimated waits shown in the widget: the bot's and an agent's, from stored messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete

from core.db import session_scope
from core.models import Conversation, Message, Role, Visitor
from core.response_times import (
    BOT_SAMPLE,
    agent_seconds,
    agent_waits,
    bot_seconds,
    estimated_wait,
)
from tests.factories import make_conversation

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_bot_seconds_is_the_median_latency_in_tenths_of_a_second() -> None:
    assert bot_seconds([800.0, 1260.0, 4000.0]) == 1.3
    assert bot_seconds([100.0, 300.0]) == 0.2  # median of an even count: the middle two's mean
    assert bot_seconds([]) is None


def test_an_agent_wait_runs_from_the_first_unanswered_visitor_message_to_the_agent() -> None:
    rows = [
        # Conversation 1: the bot answers the first question (not an agent's wait); then two
        # messages go unanswered until the agent replies 90 s after the first of them.
        (1, Role.VISITOR, at(0)),
        (1, Role.BOT, at(1)),
        (1, Role.VISITOR, at(10)),
        (1, Role.SYSTEM, at(20)),  # "An agent has joined" changes nothing
        (1, Role.VISITOR, at(30)),
        (1, Role.AGENT, at(100)),
        (1, Role.AGENT, at(110)),  # a second reply answers nobody new
        (1, Role.VISITOR, at(200)),
        (1, Role.AGENT, at(230)),
        # Conversation 2: a visitor left waiting does not carry over into another conversation.
        (2, Role.VISITOR, at(0)),
        (3, Role.AGENT, at(500)),
        (3, Role.VISITOR, at(600)),
        (3, Role.AGENT, at(660)),
    ]
    assert agent_waits(rows) == [90.0, 30.0, 60.0]
    assert agent_waits(rows, since=at(150)) == [30.0, 60.0]
    assert agent_seconds([90.0, 30.0, 60.0]) == 60.0
    assert agent_seconds([30.0, 60.0]) == 45.0
    assert agent_seconds([]) is None


@pytest.fixture
def conversations(engine: Engine) -> Iterator[list[Conversation]]:
    """Two fresh conversations, deleted with their messages afterwards (the database is shared)."""
    made: list[Conversation] = []
    with session_scope(engine) as session:
        made.extend(make_conversation(session) for _ in range(2))
    yield made
    with session_scope(engine) as session:
        ids = [c.id for c in made]
        visitors = [c.visitor_id for c in made]
        session.exec(delete(Message).where(col(Message.conversation_id).in_(ids)))  # type: ignore[call-overload]
        session.exec(delete(Conversation).where(col(Conversation.id).in_(ids)))  # type: ignore[call-overload]
        session.exec(delete(Visitor).where(col(Visitor.id).in_(visitors)))  # type: ignore[call-overload]


def _add(
    session: Session, conversation: Conversation, role: str, when: datetime, **kw: object
) -> None:
    assert conversation.id is not None
    session.add(
        Message(conversation_id=conversation.id, role=role, text="x", created_at=when, **kw)
    )


def test_estimated_wait_from_the_database(
    engine: Engine, conversations: list[Conversation]
) -> None:
    bot, handled = conversations
    # Far in the future, so no other test's messages fall in the 7-day window.
    now = datetime(2100, 1, 8, tzinfo=UTC)
    with session_scope(engine) as session:
        # The oldest is one past the sample and an outlier: only the latest 200 count.
        _add(session, bot, Role.BOT, now, latency_ms=900_000.0)
        for i in range(BOT_SAMPLE):
            _add(session, bot, Role.BOT, now, latency_ms=1000.0 if i % 2 else 1500.0)
        _add(session, bot, Role.BOT, now)  # not measured: left out
        session.flush()
        # Waits of 120 s and 40 s in the window; one of 10 s that ended 8 days ago.
        for start, reply in ((-8 * 86400 - 10, -8 * 86400), (-3000, -2880), (-100, -60)):
            _add(session, handled, Role.VISITOR, now + timedelta(seconds=start))
            _add(session, handled, Role.AGENT, now + timedelta(seconds=reply))
    with Session(engine) as session:
        wait = estimated_wait(session=session, now=now)
    assert wait.bot_seconds == 1.2  # median of 100 x 1.0 s and 100 x 1.5 s = 1.25 -> 1.2
    assert wait.agent_seconds == 80.0
