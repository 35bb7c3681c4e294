"""Conversation paths, built in SQL: each conversation's steps from its events (window
functions collapse repeats and number the steps), pivoted into step_1..step_N (one row per
conversation); `core.analytics.queries.flows` groups them into paths and lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from core.analytics import flows
from core.analytics.period import Period
from core.models import AnalyticsEvent, Conversation, EventName, FaqEntry

STEP_EVENTS = (
    EventName.BOT_ANSWERED,
    EventName.BOT_CLARIFIED,
    EventName.BOT_FELL_BACK,
    EventName.BOT_HANDED_OVER,
    EventName.AGENT_JOINED,
    EventName.CONTACT_REQUESTED,
)


@dataclass(frozen=True)
class FlowFilters:
    language: str = ""  # "" = every language
    channel: str = ""
    page: str = ""  # a prefix of the page's path ("/pricing"); "" = every page


def _on_pages_under(session: Session, period: Period, prefix: str) -> Any:
    """Conversations whose page path starts with `prefix` ("/pricing"). Page URLs are encrypted,
    so the plain `page_section` (the path's first segment) decides in SQL; only the URLs it
    cannot decide are read and decrypted here: those of the prefix's section when the prefix
    goes deeper ("/pricing/plans"), and those whose first segment was kept private."""
    if not prefix.startswith("/"):
        return false()
    head, deeper, _ = prefix[1:].partition("/")
    section = col(Conversation.page_section)
    private = and_(section.is_(None), col(Conversation.page_url).is_not(None))
    to_read = or_(private, section == f"/{head}") if deeper else private
    urls = session.exec(
        select(Conversation.id, Conversation.page_url).where(  # type: ignore[call-overload]
            *in_period(period), to_read
        )
    ).all()
    read = [cid for cid, url in urls if (urlsplit(url).path or "/").startswith(prefix)]
    matched = col(Conversation.id).in_(read)
    return matched if deeper else or_(section.startswith(prefix, autoescape=True), matched)


def in_period(period: Period) -> list[Any]:
    return [Conversation.created_at >= period.start, Conversation.created_at < period.end]


def _started(session: Session, period: Period, filters: FlowFilters) -> Any:
    where = in_period(period)
    if filters.language:
        where.append(Conversation.language == filters.language)
    if filters.channel:
        where.append(Conversation.channel == filters.channel)
    if filters.page:
        where.append(_on_pages_under(session, period, filters.page))
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


def paths_by_conversation(
    session: Session, period: Period, filters: FlowFilters, max_steps: int
) -> Any:
    """A subquery with one row per conversation of the period and filters: cid, its first
    `max_steps` steps as step_1..step_N, whether it had more (`more`) and how it ended."""
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
