"""Funnel counts in SQL: each step's visitors found with a chain of GROUP BY joins (a step
after the one before, within the window from step 1), chatters and attribution by joining
each visitor's conversations; `core.analytics.funnels` turns the counts into figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, select, union_all
from sqlmodel import Session, col

from core.analytics import funnels
from core.analytics.period import Period
from core.analytics.queries._sql import epoch
from core.models import AnalyticsEvent, Conversation, EventName, Funnel, Visitor

CHAT_EVENTS = frozenset(EventName) - {EventName.TRACKED}
PERSON = (EventName.AGENT_JOINED, EventName.AGENT_REPLIED)


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
    resolved it or an agent handled it."""
    event = AnalyticsEvent
    name = col(event.name)
    rating = event.properties["rating"].as_integer()
    flags = (
        select(
            col(event.conversation_id).label("cid"),
            func.max(case((name == EventName.BOT_ANSWERED, 1), else_=0)).label("answered"),
            func.max(case((name.in_(PERSON), 1), else_=0)).label("person"),
            func.max(
                case(
                    (name == EventName.CONTACT_REQUESTED, 1),
                    (and_(name == EventName.FEEDBACK_GIVEN, rating < 0), 1),
                    else_=0,
                )
            ).label("unhappy"),
        )
        .where(
            col(event.conversation_id).is_not(None),
            col(event.created_at) >= since,
            name.in_(
                (
                    EventName.BOT_ANSWERED,
                    EventName.CONTACT_REQUESTED,
                    EventName.FEEDBACK_GIVEN,
                    *PERSON,
                )
            ),
        )
        .group_by(col(event.conversation_id))
        .subquery("flags")
    )
    credited = case(
        (flags.c.person == 1, 1), (and_(flags.c.answered == 1, flags.c.unhappy == 0), 1), else_=0
    )
    return (
        select(
            _visitor_key(Visitor).label("actor"),
            epoch(Conversation.created_at).label("at"),
            func.coalesce(credited, 0).label("credited"),
        )
        .join(Visitor, col(Visitor.id) == col(Conversation.visitor_id))
        .outerjoin(flags, flags.c.cid == Conversation.id)
        .where(col(Conversation.created_at) >= since, col(Conversation.created_at) < until)
        .cte("chats")
    )


def funnel_figures(*, session: Session, funnel: Funnel, period: Period) -> funnels.FunnelFigures:
    window = funnel.window_days * 86400.0
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
    counted = union_all(
        *[
            select(literal(number).label("number"), func.count().label("visitors")).select_from(t)
            for number, t in enumerate(reached, start=1)
        ]
    ).subquery("counted")
    counts = dict(session.exec(select(counted.c.number, counted.c.visitors)).all())  # type: ignore[call-overload]
    entered, last = reached[0], reached[-1]
    seconds = session.exec(select(last.c.at - last.c.start)).all()  # type: ignore[call-overload]

    chats = _conversations(period.start, until)
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
        .subquery("chatted")
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
    chatter = case((chatted.c.actor.is_not(None), True), else_=False)
    groups = session.exec(
        select(  # type: ignore[call-overload]
            chatter, func.count(), func.count(last.c.actor), func.count(credited.c.actor)
        )
        .select_from(entered)
        .outerjoin(chatted, chatted.c.actor == entered.c.actor)
        .outerjoin(last, last.c.actor == entered.c.actor)
        .outerjoin(credited, credited.c.actor == entered.c.actor)
        .group_by(chatter)
    ).all()
    return funnels.funnel_figures(
        name=funnel.name,
        window_days=funnel.window_days,
        steps=funnel.steps,
        reached=[int(counts.get(n, 0)) for n in range(1, len(reached) + 1)],
        # julianday() arithmetic is off by microseconds: whole milliseconds are what is meant.
        seconds=[round(float(s), 3) for (s,) in seconds],
        entered_by_group={bool(c): int(n) for c, n, _, _ in groups},
        converted_by_group={bool(c): int(k) for c, _, k, _ in groups},
        attributed=sum(int(a) for *_, a in groups),
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
