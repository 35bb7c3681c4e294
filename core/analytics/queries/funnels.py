"""Funnel counts in SQL, one statement per funnel: each step's visitors found with a chain of
GROUP BY joins (a step after the one before, within the window from step 1), chatters and
attribution by joining each visitor's conversations; `core.analytics.funnels` turns the counts
into figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Float,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlmodel import Session, col

from core.analytics import funnels
from core.analytics.period import Period
from core.analytics.queries._sql import epoch, tuned
from core.models import AnalyticsEvent, Conversation, ConversationFacts, EventName, Funnel, Visitor

CHAT_EVENTS = frozenset(EventName) - {EventName.TRACKED}


def _visitor_key(visitor: Any) -> Any:
    # A visitor who chats without a browser key is counted by their own id.
    return func.coalesce(visitor.visitor_key, literal("visitor:") + cast(visitor.id, String))


def _step_events(step: str, since: Any, until: Any) -> Any:
    """(actor, at): every event of `step` between `since` and `until`."""
    event = AnalyticsEvent
    when = [col(event.created_at) >= since, col(event.created_at) < until]
    if step in CHAT_EVENTS:
        return (
            select(
                func.coalesce(event.visitor_key, _visitor_key(Visitor)).label("actor"),
                epoch(event.created_at).label("at"),
            )
            .join(Conversation, col(Conversation.id) == col(event.conversation_id))
            .join(Visitor, col(Visitor.id) == col(Conversation.visitor_id))
            .where(col(event.name) == step, *when)
        )
    return select(col(event.visitor_key).label("actor"), epoch(event.created_at).label("at")).where(
        col(event.name) == EventName.TRACKED,
        col(event.label) == step,
        col(event.visitor_key).is_not(None),
        *when,
    )


def _conversations(since: Any, until: Any) -> Any:
    """(actor, at, credited): each conversation started in the range, and whether the bot
    resolved it or an agent handled it (from its kept facts)."""
    facts = ConversationFacts
    person = or_(col(facts.joined) == 1, col(facts.agent_wrote) == 1)
    resolved = and_(
        col(facts.last_answer).is_not(None),
        col(facts.contacted) == 0,
        col(facts.thumbs_down) == 0,
    )
    return (
        select(
            _visitor_key(Visitor).label("actor"),
            epoch(Conversation.created_at).label("at"),
            case((or_(person, resolved), 1), else_=0).label("credited"),
        )
        .join(Visitor, col(Visitor.id) == col(Conversation.visitor_id))
        .outerjoin(facts, col(facts.conversation_id) == col(Conversation.id))
        .where(col(Conversation.created_at) >= since, col(Conversation.created_at) < until)
        .cte("chats")
    )


def _reached(funnel: Funnel, period: Period, window: float) -> list[Any]:
    """Per step, (actor, start, at): each visitor who reached it, with their step 1's time and
    the time they reached this step (the first after the step before, within the window)."""
    until = period.end + timedelta(days=funnel.window_days)
    first = _step_events(funnel.steps[0], period.start, period.end).subquery("step_1_events")
    # Step 1: each visitor once, at their first step 1 in the period.
    reached = [
        select(first.c.actor, func.min(first.c.at).label("start"), func.min(first.c.at).label("at"))
        .group_by(first.c.actor)
        .cte("reached_1")
    ]
    for number, step in enumerate(funnel.steps[1:], start=2):
        events = _step_events(step, period.start, until).subquery(f"step_{number}_events")
        before = reached[-1]
        reached.append(
            select(before.c.actor, before.c.start, func.min(events.c.at).label("at"))
            .join(
                events,
                and_(
                    events.c.actor == before.c.actor,
                    events.c.at >= before.c.at,
                    events.c.at <= before.c.start + window,
                ),
            )
            .group_by(before.c.actor, before.c.start)
            .cte(f"reached_{number}")
        )
    return reached


def _counted(funnel: Funnel, period: Period) -> Any:
    """(what, value) rows: 1..N visitors who reached each step, then chatters among those who
    entered, chatters among those who converted, conversions attributed to a chat; and one row
    (0, seconds) per conversion: the time from step 1 to the last step."""
    window = funnel.window_days * 86400.0
    reached = _reached(funnel, period, window)
    entered, last = reached[0], reached[-1]
    chats = _conversations(period.start, period.end + timedelta(days=funnel.window_days))
    chatted = (
        select(entered.c.actor)
        .join(
            chats,
            and_(
                chats.c.actor == entered.c.actor,
                chats.c.at >= entered.c.start,
                chats.c.at <= entered.c.start + window,
            ),
        )
        .group_by(entered.c.actor)
        .cte("chatted")
    )
    credited = (
        select(last.c.actor)
        .join(
            chats,
            and_(
                chats.c.actor == last.c.actor,
                chats.c.credited == 1,
                chats.c.at <= last.c.at,
                last.c.at <= chats.c.at + window,
            ),
        )
        .group_by(last.c.actor)
        .subquery("credited")
    )
    n = len(reached)

    def count(what: int) -> Any:
        return select(literal(what).label("what"), cast(func.count(), Float).label("value"))

    return union_all(
        *[count(k).select_from(r) for k, r in enumerate(reached, start=1)],
        count(n + 1).select_from(chatted),
        count(n + 2).select_from(last).join(chatted, chatted.c.actor == last.c.actor),
        count(n + 3).select_from(credited),
        select(literal(0), cast(last.c.at - last.c.start, Float)).select_from(last),
    )


def funnel_figures(*, session: Session, funnel: Funnel, period: Period) -> funnels.FunnelFigures:
    """The funnel's figures, counted in one statement (`_counted`)."""
    conn = tuned(session)
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        # Each step's join is estimated at a row or two, so the planner picks nested loops and
        # sorts that take minutes over a year; every join and grouping here is best hashed.
        conn.execute(text("SET LOCAL enable_nestloop = off"))
        conn.execute(text("SET LOCAL enable_sort = off"))
    rows = conn.execute(_counted(funnel, period)).all()
    if postgres:  # the rest of the transaction (other dashboards) plans as usual
        conn.execute(text("RESET enable_nestloop"))
        conn.execute(text("RESET enable_sort"))
    last = len(funnel.steps)
    counts = {int(what): int(value) for what, value in rows if what}
    entered, converted = counts[1], counts[last]
    chatters = {True: counts[last + 1], False: entered - counts[last + 1]}
    chatters_converted = {True: counts[last + 2], False: converted - counts[last + 2]}
    return funnels.funnel_figures(
        name=funnel.name,
        window_days=funnel.window_days,
        steps=funnel.steps,
        reached=[counts[k] for k in range(1, last + 1)],
        # julianday() arithmetic is off by microseconds: whole milliseconds are what is meant.
        seconds=[round(float(value), 3) for what, value in rows if not what],
        entered_by_group=chatters,
        converted_by_group=chatters_converted,
        attributed=counts[last + 3],
    )


def known_steps(*, session: Session, period: Period) -> list[str]:
    """Names a step can take: every chat event, and every label the business's page tracked
    in the period (for the editor's list)."""
    labels = session.exec(
        select(AnalyticsEvent.label)  # type: ignore[call-overload]
        .where(
            col(AnalyticsEvent.name) == EventName.TRACKED,
            col(AnalyticsEvent.label).is_not(None),
            col(AnalyticsEvent.created_at) >= period.start,
            col(AnalyticsEvent.created_at) < period.end,
        )
        .group_by(AnalyticsEvent.label)
    ).all()
    tracked = sorted({str(label) for (label,) in labels} - set(CHAT_EVENTS))
    return [*tracked, *sorted(CHAT_EVENTS)]
