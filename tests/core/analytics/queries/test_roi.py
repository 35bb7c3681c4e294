"""ROI read from the database with known answers: two conversations the bot resolved (one
confirmed, one assumed), one an agent handled, one lead; purchases inside and outside the
attribution window, before the chat, by a visitor nobody helped and in another currency."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytest import approx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.analytics.period import Period
from core.analytics.queries.roi import figures, roi_figures
from core.crud import assessment
from core.crud import events as event_crud
from core.db import session_scope
from core.models import Conversation, Visitor
from tests.core.analytics.quality_data import Built, build

DAY = date(2033, 4, 10)
PERIOD_DAYS = 13


def _key(session: Session, conversation: Conversation, key: str) -> None:
    visitor = session.get(Visitor, conversation.visitor_id)
    assert visitor is not None
    visitor.visitor_key = key
    session.add(visitor)


def _track(
    session: Session, key: str, at: datetime, label: str, value: float, currency: str
) -> None:
    event = event_crud.record_event(session=session, name="tracked", conversation_id=None)
    event.visitor_key, event.label, event.value, event.currency = key, label, value, currency
    event.created_at = at
    session.add(event)


@pytest.fixture(scope="module")
def built(engine: Engine) -> Built:
    with session_scope(engine) as session:
        built = build(session, DAY)
        convs = built.conversations
        for name, key in (("c1", "k1"), ("c3", "k3"), ("c4", "k4")):
            _key(session, convs[name], key)
        c1_at = convs["c1"].created_at
        _track(session, "k1", c1_at + timedelta(days=2), "purchase", 100, "USD")  # attributed
        _track(session, "k4", convs["c4"].created_at + timedelta(hours=1), "purchase", 50, "USD")
        _track(session, "k3", c1_at + timedelta(days=1), "purchase", 70, "USD")  # not helped
        _track(session, "k1", c1_at + timedelta(days=3), "purchase", 30, "eur")  # other currency
        _track(session, "k1", c1_at + timedelta(days=9), "purchase", 40, "USD")  # past 7 days
        _track(session, "k1", c1_at - timedelta(minutes=30), "purchase", 20, "USD")  # before
        _track(session, "k1", c1_at + timedelta(days=1), "signup", 0, "USD")  # not a purchase
        assessment.save_assumptions(
            session=session,
            values={
                "currency": "USD",
                "human_conversation_cost": 5.0,
                "monthly_running_cost": 365.25 / 12,  # 1 a day
                "attribution_days": 7,
            },
        )
    return built


def period() -> Period:
    return Period(DAY, DAY + timedelta(days=PERIOD_DAYS - 1), ZoneInfo("UTC"))


def test_roi_from_resolutions_attributed_purchases_and_running_cost(
    engine: Engine, built: Built
) -> None:
    with Session(engine) as session:
        found = roi_figures(session=session, period=period())
    m, r = found.measured, found.result
    assert (m.conversations, m.resolved_confirmed, m.resolved_assumed, m.agent_handled) == (
        5,
        1,
        1,
        1,
    )
    assert (m.purchases, m.attributed_purchases, m.attributed_revenue) == (6, 2, 150.0)
    assert m.other_currencies == {"EUR": 30.0} and m.leads == 1
    assert r.savings == 10.0 and r.running_cost == approx(13.0)
    assert r.net == approx(147.0) and r.roi_percent == approx(147 / 13 * 100)
    assert r.cost_per_resolution == approx(6.5) and r.cost_per_lead == approx(13.0)
    sources = {row["name"]: row["source"] for row in r.inputs}
    assert sources["Conversations the bot resolved"] == "measured"
    assert sources["Cost of a conversation handled by a person (USD)"] == "assumed"


def test_a_longer_window_attributes_the_later_purchase(engine: Engine, built: Built) -> None:
    with session_scope(engine) as session:
        days = assessment.get_assumptions(session=session).attribution_days
        assessment.save_assumptions(session=session, values={"attribution_days": 10})
    try:
        with Session(engine) as session:
            m = roi_figures(session=session, period=period()).measured
        assert (m.attributed_purchases, m.attributed_revenue) == (3, 190.0)
    finally:
        with session_scope(engine) as session:
            assessment.save_assumptions(session=session, values={"attribution_days": days})


def test_the_json_figures_are_the_computed_ones(engine: Engine, built: Built) -> None:
    with Session(engine) as session:
        printed = figures(session=session, period=period())
    assert printed["currency"] == "USD" and printed["roi_percent"] == approx(147 / 13 * 100)
    assert printed["measured"]["resolved"] == 2 and printed["measured"]["leads"] == 1
    assert printed["assumptions"]["attribution_days"] == 7
    assert len(printed["inputs"]) == 6
