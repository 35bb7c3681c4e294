"""Conversation paths, built in SQL: each conversation's steps from its events (window
functions collapse repeats and number the steps), pivoted into step_1..step_N and grouped into
distinct paths; `core.analytics.flows` turns that small table into the Flows page's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import String, and_, case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from core.analytics import flows
from core.analytics.period import Period
from core.models import AnalyticsEvent, Conversation, EventName, FaqEntry
from core.models._types import as_utc

STEP_EVENTS = (
    EventName.BOT_ANSWERED,
    EventName.BOT_CLARIFIED,
    EventName.BOT_FELL_BACK,
    EventName.BOT_HANDED_OVER,
    EventName.AGENT_JOINED,
    EventName.CONTACT_REQUESTED,
)
LISTED = 100  # conversations listed for a clicked node or link


@dataclass(frozen=True)
class FlowFilters:
    language: str = ""  # "" = every language
    channel: str = ""
    page: str = ""  # a prefix of the page's path ("/pricing"); "" = every page


@dataclass(frozen=True)
class FlowConversation:
    public_id: str
    created_at: datetime
    language: str
    path: tuple[str, ...]


def _pages_under(session: Session, period: Period, prefix: str) -> list[str]:
    # Page URLs are stored without query strings; the path is matched here, over the distinct
    # URLs of the period (a short list), so SQL needs no URL parsing.
    urls = session.exec(
        select(Conversation.page_url)  # type: ignore[call-overload]
        .where(*_in_period(period), col(Conversation.page_url).is_not(None))
        .group_by(Conversation.page_url)
    ).all()
    return [url for (url,) in urls if urlsplit(url).path.startswith(prefix)]


def _in_period(period: Period) -> list[Any]:
    return [Conversation.created_at >= period.start, Conversation.created_at < period.end]


def _started(session: Session, period: Period, filters: FlowFilters) -> Any:
    where = _in_period(period)
    if filters.language:
        where.append(Conversation.language == filters.language)
    if filters.channel:
        where.append(Conversation.channel == filters.channel)
    if filters.page:
        where.append(col(Conversation.page_url).in_(_pages_under(session, period, filters.page)))
    return select(col(Conversation.id).label("cid")).where(*where).subquery("started")


def _steps(session: Session, period: Period, filters: FlowFilters) -> Any:
    """Each conversation's steps: (cid, eid, sub, step, answered), before collapsing repeats."""
    started = _started(session, period, filters)
    event = AnalyticsEvent
    name = col(event.name)
    answered_faq, likeliest_faq = aliased(FaqEntry), aliased(FaqEntry)
    intent = event.properties["intent"].as_string()  # an FAQ id, or "_human"
    topic = func.coalesce(
        func.nullif(answered_faq.category, ""),
        func.nullif(likeliest_faq.category, ""),
        flows.OTHER_TOPIC,
    )
    step = case(
        (name == EventName.BOT_ANSWERED, topic),
        (name == EventName.BOT_CLARIFIED, flows.CLARIFY),
        (name == EventName.BOT_FELL_BACK, flows.FALLBACK),
        (name == EventName.CONTACT_REQUESTED, flows.CONTACT),
        else_=flows.HANDOVER,
    )

    def rows(sub: int, label: Any, *where: Any) -> Any:
        return (
            select(
                col(event.conversation_id).label("cid"),
                col(event.id).label("eid"),
                literal(sub).label("sub"),
                label.label("step"),
                case((name == EventName.BOT_ANSWERED, 1), else_=0).label("answered"),
            )
            .join(started, started.c.cid == event.conversation_id)
            .outerjoin(answered_faq, col(answered_faq.id) == col(event.faq_id))
            .outerjoin(likeliest_faq, cast(col(likeliest_faq.id), String) == intent)
            .where(col(event.created_at) >= period.start, *where)
        )

    # "Are you asking about:" follows the topic the bot thought likeliest.
    clarified_topic = rows(
        0,
        func.nullif(likeliest_faq.category, ""),
        name == EventName.BOT_CLARIFIED,
        func.nullif(likeliest_faq.category, "").is_not(None),
    )
    return union_all(clarified_topic, rows(1, step, col(event.name).in_(STEP_EVENTS))).subquery(
        "steps"
    )


def _sequences(session: Session, period: Period, filters: FlowFilters) -> Any:
    """(cid, pos, step, ending): the collapsed steps numbered from 1, and the ending
    (resolved/dropped) as the last step, for every conversation with a step."""
    steps = _steps(session, period, filters)
    order = (steps.c.eid, steps.c.sub)
    disliked = (
        select(col(AnalyticsEvent.conversation_id).label("cid"))
        .where(
            col(AnalyticsEvent.name) == EventName.FEEDBACK_GIVEN,
            col(AnalyticsEvent.created_at) >= period.start,
            AnalyticsEvent.properties["rating"].as_integer() < 0,
        )
        .group_by(col(AnalyticsEvent.conversation_id))
        .subquery("disliked")
    )
    marked = select(
        steps.c.cid,
        steps.c.eid,
        steps.c.sub,
        steps.c.step,
        func.lag(steps.c.step).over(partition_by=steps.c.cid, order_by=order).label("previous"),
        func.row_number()
        .over(partition_by=steps.c.cid, order_by=(steps.c.eid.desc(), steps.c.sub.desc()))
        .label("back"),
        func.max(case((steps.c.step.in_((flows.HANDOVER, flows.CONTACT)), 1), else_=0))
        .over(partition_by=steps.c.cid)
        .label("person"),
        steps.c.answered,
    ).cte("marked")
    kept = (
        select(
            marked.c.cid,
            marked.c.eid,
            marked.c.sub,
            marked.c.step,
            marked.c.back,
            marked.c.person,
            marked.c.answered,
            func.row_number()
            .over(partition_by=marked.c.cid, order_by=(marked.c.eid, marked.c.sub))
            .label("pos"),
        )
        .where(or_(marked.c.previous.is_(None), marked.c.previous != marked.c.step))
        .subquery("kept")
    )
    ending = case(
        (
            and_(marked.c.answered == 1, marked.c.person == 0, disliked.c.cid.is_(None)),
            flows.RESOLVED,
        ),
        (marked.c.step.in_((flows.CLARIFY, flows.FALLBACK)), flows.DROPPED),
        else_=null(),
    )
    # Judged on the conversation's very last step (back = 1), which a repeat shares with the
    # last step kept.
    endings = (
        select(marked.c.cid, ending.label("ending"))
        .outerjoin(disliked, disliked.c.cid == marked.c.cid)
        .where(marked.c.back == 1)
        .subquery("endings")
    )
    lengths = (
        select(kept.c.cid, func.max(kept.c.pos).label("length"))
        .group_by(kept.c.cid)
        .subquery("lengths")
    )
    ends = (
        select(lengths.c.cid, lengths.c.length, endings.c.ending)
        .join(endings, endings.c.cid == lengths.c.cid)
        .subquery("ends")
    )
    return kept, ends


def _fix_last(kept: Any, ends: Any) -> Any:
    """Every step with its position, the ending appended after the last one."""
    return union_all(
        select(kept.c.cid, kept.c.pos, kept.c.step),
        select(ends.c.cid, (ends.c.length + 1).label("pos"), ends.c.ending.label("step")).where(
            ends.c.ending.is_not(None)
        ),
    ).subquery("sequence")


def _pivot(session: Session, period: Period, filters: FlowFilters, max_steps: int) -> Any:
    kept, ends = _sequences(session, period, filters)
    sequence = _fix_last(kept, ends)
    columns = [
        func.max(case((sequence.c.pos == n, sequence.c.step), else_=null())).label(name)
        for n, name in enumerate(flows.step_columns(max_steps), start=1)
    ]
    return (
        select(
            sequence.c.cid,
            *columns,
            case((func.max(sequence.c.pos) > max_steps, 1), else_=0).label("more"),
            func.max(
                case(
                    (sequence.c.step.in_((flows.RESOLVED, flows.DROPPED)), sequence.c.step),
                    else_=null(),
                )
            ).label("ending"),
        )
        .group_by(sequence.c.cid)
        .subquery("pivot")
    )


def path_table(
    *,
    session: Session,
    period: Period,
    filters: FlowFilters | None = None,
    max_steps: int = flows.MAX_STEPS,
) -> pd.DataFrame:
    """One row per distinct path: step_1..step_N, more, ending, conversations."""
    pivot = _pivot(session, period, filters or FlowFilters(), max_steps)
    names = [*flows.step_columns(max_steps), "more", "ending"]
    grouped = select(*[pivot.c[n] for n in names], func.count().label("conversations")).group_by(
        *[pivot.c[n] for n in names]
    )
    rows = session.exec(grouped).all()  # type: ignore[call-overload]
    return pd.DataFrame([tuple(r) for r in rows], columns=[*names, "conversations"])


def figures(*, session: Session, period: Period, filters: FlowFilters | None = None) -> flows.Flows:
    return flows.flows(path_table(session=session, period=period, filters=filters))


def conversations_on(
    *,
    session: Session,
    period: Period,
    position: int,
    label: str,
    target: str | None = None,
    filters: FlowFilters | None = None,
    max_steps: int = flows.MAX_STEPS,
) -> list[FlowConversation]:
    """Conversations whose path has `label` at `position` (and `target` right after it, for a
    link), newest first, at most LISTED."""
    pivot = _pivot(session, period, filters or FlowFilters(), max_steps)

    def at(pos: int, wanted: str) -> Any:
        if pos == max_steps + 1 and wanted == flows.MORE:
            return pivot.c.more == 1
        if pos > max_steps:
            return literal(False)
        return pivot.c[f"step_{pos}"] == wanted

    where = [at(position, label)]
    if target is not None:
        where.append(at(position + 1, target))
    steps = [pivot.c[n] for n in flows.step_columns(max_steps)]
    statement = (
        select(  # type: ignore[call-overload]
            Conversation.public_id,
            Conversation.created_at,
            Conversation.language,
            *steps,
            pivot.c.more,
        )
        .join(pivot, pivot.c.cid == Conversation.id)
        .where(*where)
        .order_by(col(Conversation.id).desc())
        .limit(LISTED)
    )
    found = []
    for row in session.exec(statement).all():  # type: ignore[call-overload]
        public_id, created_at, language, *path, more = tuple(row)
        shown = tuple(str(s) for s in path if s is not None) + ((flows.MORE,) if more else ())
        found.append(FlowConversation(public_id, as_utc(created_at), language or "", shown))
    return found


def filter_choices(*, session: Session, period: Period) -> dict[str, list[str]]:
    """The languages and channels of the period's conversations, for the filters' menus."""
    out = {}
    for name, column in (("language", Conversation.language), ("channel", Conversation.channel)):
        rows = session.exec(
            select(column)  # type: ignore[call-overload]
            .where(*_in_period(period), col(column).is_not(None))
            .group_by(column)
            .order_by(column)
        ).all()
        out[name] = [str(value) for (value,) in rows]
    return out
