"""Conversation paths read from the database (SQLite, and PostgreSQL with TEST_DATABASE_URL).

The database is shared by the whole run, so every row here lives in March 2033, a month no
other test writes to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import manage
from core.analytics import flows
from core.analytics.period import Period
from core.analytics.queries import flows as queries
from core.analytics.queries.flows import FlowFilters
from core.models import AnalyticsEvent, Conversation, EventName, FaqEntry
from tests.factories import make_conversation

PERIOD = Period(date(2033, 3, 1), date(2033, 3, 31), ZoneInfo("UTC"))
START = datetime(2033, 3, 10, 9, 0, tzinfo=UTC)


def _events(
    session: Session, conversation: Conversation, *steps: tuple[str, dict[str, Any]]
) -> None:
    at = conversation.created_at
    for name, columns in steps:
        at += timedelta(seconds=5)
        props = columns.pop("properties", {})
        session.add(
            AnalyticsEvent(
                name=name,
                conversation_id=conversation.id,
                properties=props,
                created_at=at,
                **columns,
            )
        )
        session.flush()  # ids in the order written


@pytest.fixture(scope="module")
def made(engine: Engine) -> Iterator[dict[str, str]]:
    with Session(engine, expire_on_commit=False) as session:
        hours = FaqEntry(question="Flows: when open?", answer="9-5", category="flows-hours")
        returns = FaqEntry(question="Flows: returns?", answer="30 days", category="flows-returns")
        session.add_all([hours, returns])
        session.flush()

        def answer(faq: FaqEntry) -> tuple[str, dict[str, Any]]:
            return EventName.BOT_ANSWERED, {"faq_id": faq.id, "properties": {"intent": str(faq.id)}}

        clarify = (EventName.BOT_CLARIFIED, {"properties": {"intent": str(returns.id)}})
        fallback = (EventName.BOT_FELL_BACK, {"properties": {"intent": "_human"}})
        ids = {}

        def conversation(key: str, *steps: Any, at: datetime = START, **extra: Any) -> None:
            made = make_conversation(session, created_at=at, **extra)
            _events(session, made, *steps)
            ids[key] = made.public_id

        conversation("a", answer(hours))
        conversation("b", answer(hours), answer(hours))
        conversation("c", clarify, fallback)
        conversation(
            "d",
            answer(hours),
            (EventName.FEEDBACK_GIVEN, {"faq_id": hours.id, "properties": {"rating": -1}}),
        )
        conversation(
            "e",
            answer(hours),
            (EventName.BOT_HANDED_OVER, {}),
            (EventName.AGENT_JOINED, {}),
        )
        conversation("f", *[answer(faq) for faq in (hours, returns) * 3])
        conversation(
            "g", answer(returns), language="fr", page_url="https://shop.example/pricing/plans"
        )
        conversation("h", answer(hours), at=datetime(2033, 4, 2, tzinfo=UTC))  # after the period
        conversation("i", (EventName.CONTACT_REQUESTED, {}))
        conversation("j", (EventName.VISITOR_MESSAGE, {}))  # no reply: no path
        session.commit()
    yield ids


def test_each_conversation_becomes_its_collapsed_and_cut_path(
    session: Session, made: dict[str, str]
) -> None:
    table = queries.path_table(session=session, period=PERIOD)
    assert flows.paths_of(table) == [
        (("flows-hours", "resolved"), 2),
        (("contact",), 1),
        (("flows-hours",), 1),  # the visitor gave a thumbs-down
        (("flows-hours", "flows-returns", "flows-hours", "flows-returns", "flows-hours", "…"), 1),
        (("flows-hours", "handover"), 1),
        (("flows-returns", "clarify", "fallback", "dropped"), 1),
        (("flows-returns", "resolved"), 1),
    ]
    found = flows.flows(table)
    # The cut path ended resolved too: its ending counts though the page shows "…".
    assert (found.conversations, found.resolved, found.dropped) == (8, 4, 1)
    links = {(link.position, link.source, link.target): link.conversations for link in found.links}
    assert links[(1, "flows-hours", "resolved")] == 2
    assert links[(1, "flows-hours", "flows-returns")] == 1
    assert links[(1, "flows-hours", "handover")] == 1
    assert links[(3, "fallback", "dropped")] == 1
    assert links[(5, "flows-hours", "…")] == 1
    first_hours = next(n for n in found.nodes if n.key == "1:flows-hours")
    assert (first_hours.conversations, first_hours.ended) == (5, 1)


def test_filters_by_language_channel_and_page_prefix(
    session: Session, made: dict[str, str]
) -> None:
    def paths(**chosen: str) -> list[tuple[tuple[str, ...], int]]:
        table = queries.path_table(session=session, period=PERIOD, filters=FlowFilters(**chosen))
        return flows.paths_of(table)

    assert paths(language="fr") == [(("flows-returns", "resolved"), 1)]
    assert paths(page="/pricing") == [(("flows-returns", "resolved"), 1)]
    assert paths(page="/help") == []
    assert paths(channel="whatsapp") == []
    assert sum(count for _, count in paths(channel="widget")) == 8
    choices = queries.filter_choices(session=session, period=PERIOD)
    assert choices["language"] == ["en", "fr"] and choices["channel"] == ["widget"]


def test_a_clicked_node_or_link_lists_its_conversations(
    session: Session, made: dict[str, str]
) -> None:
    def listed(*args: Any) -> set[str]:
        position, label, *target = args
        found = queries.conversations_on(
            session=session,
            period=PERIOD,
            position=position,
            label=label,
            target=target[0] if target else None,
        )
        return {c.public_id for c in found}

    assert listed(1, "flows-hours", "resolved") == {made["a"], made["b"]}
    assert listed(2, "resolved") == {made["a"], made["b"], made["g"]}
    assert listed(4, "dropped") == {made["c"]}
    assert listed(6, "…") == {made["f"]}
    assert listed(5, "flows-hours", "…") == {made["f"]}
    row = queries.conversations_on(session=session, period=PERIOD, position=1, label="contact")
    assert [c.path for c in row] == [("contact",)]


def test_the_json_command_prints_the_same_flows(
    engine: Engine,
    made: dict[str, str],
    session: Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("core.db.get_engine", lambda: engine)
    assert manage.main(["analytics", "--from", "2033-03-01", "--to", "2033-03-31", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["flows"]
    assert printed == flows.as_json(queries.figures(session=session, period=PERIOD))
    assert printed["paths"][0] == {
        "path": ["flows-hours", "resolved"],
        "conversations": 2,
        "share": 0.25,
    }
