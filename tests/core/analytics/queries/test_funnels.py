"""Funnels counted by the database (SQLite, and PostgreSQL with TEST_DATABASE_URL).

Every row here lives in May 2034, a month no other test writes to; tracked steps carry visitor
keys only these tests use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import manage
from core.analytics.period import Period
from core.analytics.queries import funnels as queries
from core.crud import funnels as funnel_crud
from core.crud import messages as msg_crud
from core.models import (
    AnalyticsEvent,
    EventName,
    FaqEntry,
    Funnel,
    FunnelCreate,
    MessageCreate,
    Visitor,
)
from tests.factories import make_conversation

PERIOD = Period(date(2034, 5, 1), date(2034, 5, 31), ZoneInfo("UTC"))
VIEWED, PURCHASE = "fq_product_viewed", "fq_purchase"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return (
        datetime(2034, 5, day, hour, minute, tzinfo=UTC)
        if day > 0
        else datetime(2034, 4, 30 + day, hour, minute, tzinfo=UTC)
    )


def key(n: int) -> str:
    return f"f0f0{n:028x}"


def track(session: Session, who: int, label: str, when: datetime) -> None:
    session.add(
        AnalyticsEvent(
            name=EventName.TRACKED, label=label, visitor_key=key(who), created_at=when, value=None
        )
    )


def chat(session: Session, who: int, when: datetime, *names: str) -> None:
    """A conversation with its step events; a bot answer also stored as the bot's message
    answering from an FAQ, as the chat server stores it."""
    conversation = make_conversation(session, ("visitor", "a question"), created_at=when)
    visitor = session.get(Visitor, conversation.visitor_id)
    assert visitor is not None
    visitor.visitor_key = key(who)
    session.add(visitor)
    for name in (EventName.CONVERSATION_STARTED, *names):
        session.add(AnalyticsEvent(name=name, conversation_id=conversation.id, created_at=when))
        if name == EventName.BOT_ANSWERED:
            faq_id = session.exec(select(col(FaqEntry.id)).limit(1)).one()
            answer = MessageCreate(role="bot", text="an answer", faq_id=faq_id, kind="answer")
            msg_crud.create_message(session=session, conversation=conversation, message_in=answer)


@pytest.fixture(scope="module")
def made(engine: Engine) -> Iterator[None]:
    with Session(engine) as session:
        # 1: viewed, chatted (the bot answered), bought an hour after viewing.
        track(session, 1, VIEWED, at(1, 10))
        chat(session, 1, at(1, 10, 5), EventName.BOT_ANSWERED)
        track(session, 1, PURCHASE, at(1, 11))
        # 2: viewed, bought two days later, never chatted.
        track(session, 2, VIEWED, at(2, 9))
        track(session, 2, PURCHASE, at(4, 9))
        # 3: bought 17 days after viewing: outside the 14-day window.
        track(session, 3, VIEWED, at(3, 9))
        track(session, 3, PURCHASE, at(20, 9))
        # 4: bought half an hour after viewing, then chatted with an agent.
        track(session, 4, VIEWED, at(5, 9))
        track(session, 4, PURCHASE, at(5, 9, 30))
        chat(session, 4, at(5, 12), EventName.AGENT_JOINED)
        # 5: chatted (and left the contact form) before viewing, bought an hour later.
        chat(session, 5, at(6, 8), EventName.BOT_ANSWERED, EventName.CONTACT_REQUESTED)
        track(session, 5, VIEWED, at(6, 9))
        track(session, 5, PURCHASE, at(6, 10))
        # 6: viewed before the period: not in the funnel; 7 bought without viewing.
        track(session, 6, VIEWED, at(-1, 9))
        track(session, 6, PURCHASE, at(1, 9))
        track(session, 7, PURCHASE, at(2, 9))
        session.commit()
    yield


def test_an_ordered_funnel_counts_each_step_after_the_one_before(
    session: Session, made: None
) -> None:
    funnel = Funnel(name="f1", steps=[VIEWED, EventName.CONVERSATION_STARTED, PURCHASE])
    found = queries.funnel_figures(session=session, funnel=funnel, period=PERIOD)
    assert [(s.visitors, s.dropped) for s in found.steps] == [(5, 0), (2, 3), (1, 1)]
    assert found.steps[1].conversion == pytest.approx(0.4)
    assert found.steps[2].from_previous == pytest.approx(0.5)
    assert found.median_seconds == pytest.approx(3600, abs=1)
    chatters, others = found.groups
    assert (chatters.entered, chatters.converted) == (2, 1)
    assert (others.entered, others.converted) == (3, 0)
    assert found.attributed == 1


def test_the_window_times_chatters_and_attribution_of_a_two_step_funnel(
    session: Session, made: None
) -> None:
    funnel = Funnel(name="f2", steps=[VIEWED, PURCHASE], window_days=14)
    found = queries.funnel_figures(session=session, funnel=funnel, period=PERIOD)
    assert [s.visitors for s in found.steps] == [5, 4]  # 3 bought after 17 days
    assert found.median_seconds == pytest.approx(3600, abs=1)
    histogram = dict(found.histogram)
    assert (histogram["10-60 min"], histogram["1-6 h"], histogram["1-3 days"]) == (1, 2, 1)
    chatters, others = found.groups
    # 5 chatted before viewing: a non-chatter for this funnel.
    assert (chatters.group, chatters.entered, chatters.converted) == ("chatters", 2, 2)
    assert (others.entered, others.converted) == (3, 2)
    # Only 1 bought after a chat that counts (4 chatted afterwards, 5's ended in the form).
    assert (found.attributed, found.attributed_share) == (1, 0.25)

    longer = Funnel(name="f3", steps=[VIEWED, PURCHASE], window_days=20)
    assert [
        s.visitors
        for s in queries.funnel_figures(session=session, funnel=longer, period=PERIOD).steps
    ] == [5, 5]


def test_the_editor_lists_tracked_names_and_chat_events(session: Session, made: None) -> None:
    known = queries.known_steps(session=session, period=PERIOD)
    assert known.index(PURCHASE) < known.index("conversation_started")
    assert {VIEWED, "bot_answered", "contact_requested"} <= set(known)
    assert "tracked" not in known


def test_the_json_command_prints_every_saved_funnel(
    engine: Engine,
    made: None,
    session: Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = funnel_crud.create_funnel(
        session=session, funnel_in=FunnelCreate(name="fq buyers", steps=[VIEWED, PURCHASE])
    )
    session.commit()
    try:
        monkeypatch.setattr("core.db.get_engine", lambda: engine)
        assert manage.main(["analytics", "--from", "2034-05-01", "--to", "2034-05-31"]) == 0
        printed = json.loads(capsys.readouterr().out)["funnels"]
        assert printed["fq buyers"] == json.loads(
            json.dumps(
                queries.funnel_figures(session=session, funnel=saved, period=PERIOD).as_json()
            )
        )
        assert [s["visitors"] for s in printed["fq buyers"]["steps"]] == [5, 4]
        assert "Product to purchase" in printed  # the demo business's funnel
    finally:
        funnel_crud.delete_funnel(session=session, funnel=saved)
        session.commit()
