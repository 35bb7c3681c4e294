"""Conversation paths: each conversation's step events, kept with it as it happens
(conversationfacts.path), grouped in SQL into distinct paths for the period and filters, then
read as steps with the FAQs' current categories (`core.analytics.flows.path_of`); the
conversations behind a step or link; the filters' choices. `core.analytics.flows` turns the
small table of paths into the Flows page's figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from core.analytics import flows
from core.analytics.period import Period
from core.analytics.queries.flow_filters import FlowFilters, in_period, started_in
from core.models import Conversation, ConversationFacts, FaqEntry
from core.models._types import as_utc

LISTED = 100  # conversations listed for a clicked node or link


@dataclass(frozen=True)
class FlowConversation:
    public_id: str
    created_at: datetime
    language: str
    path: tuple[str, ...]


def _categories(session: Session) -> dict[int, str | None]:
    rows = session.exec(select(FaqEntry.id, FaqEntry.category)).all()  # type: ignore[call-overload]
    return {int(faq_id): category for faq_id, category in rows}


def path_table(
    *,
    session: Session,
    period: Period,
    filters: FlowFilters | None = None,
    max_steps: int = flows.MAX_STEPS,
) -> pd.DataFrame:
    """One row per path: step_1..step_N, more, ending, conversations."""
    started = started_in(session, period, filters or FlowFilters())
    facts = ConversationFacts
    grouped = (
        select(col(facts.path), col(facts.thumbs_down), func.count())
        .join(started, started.c.cid == facts.conversation_id)
        .where(col(facts.path).is_not(None))
        .group_by(col(facts.path), col(facts.thumbs_down))
    )
    reader = flows.PathReader(_categories(session))
    counted: Counter[tuple[str, ...]] = Counter()  # by the whole path, ending included
    for path, thumbs_down, count in session.exec(grouped).all():  # type: ignore[call-overload]
        counted[tuple(reader.steps(str(path).split(), bool(thumbs_down)))] += int(count)
    rows = [flows.path_row(steps, max_steps) | {"conversations": n} for steps, n in counted.items()]
    names = [*flows.step_columns(max_steps), "more", "ending", "conversations"]
    return pd.DataFrame(rows, columns=names)


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
    started = started_in(session, period, filters or FlowFilters())
    facts = ConversationFacts
    statement = (
        select(  # type: ignore[call-overload]
            Conversation.public_id,
            Conversation.created_at,
            Conversation.language,
            facts.path,
            facts.thumbs_down,
        )
        .join(started, started.c.cid == Conversation.id)
        .join(facts, col(facts.conversation_id) == col(Conversation.id))
        .where(col(facts.path).is_not(None))
        .order_by(col(Conversation.id).desc())
        .execution_options(yield_per=1000)  # newest first, read until enough are found
    )
    wanted = (label,) if target is None else (label, target)
    reader = flows.PathReader(_categories(session))
    found: list[FlowConversation] = []
    for public_id, created_at, language, path, thumbs_down in session.exec(statement):
        shown = flows.shown(reader.steps(str(path).split(), bool(thumbs_down)), max_steps)
        if shown[position - 1 : position - 1 + len(wanted)] == wanted:
            found.append(FlowConversation(public_id, as_utc(created_at), language or "", shown))
            if len(found) == LISTED:
                break
    return found


def filter_choices(*, session: Session, period: Period) -> dict[str, list[str]]:
    """The languages and channels of the period's conversations, for the filters' menus."""
    out = {}
    for name, column in (("language", Conversation.language), ("channel", Conversation.channel)):
        rows = session.exec(
            select(column)  # type: ignore[call-overload]
            .where(*in_period(period), col(column).is_not(None))
            .group_by(column)
            .order_by(column)
        ).all()
        out[name] = [str(value) for (value,) in rows]
    return out
