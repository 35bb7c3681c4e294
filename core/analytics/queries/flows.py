"""Conversation paths grouped into distinct paths, in SQL, over each conversation's path built
by `core.analytics.queries.flow_paths`; the conversations behind a step or link; the filters'
choices. `core.analytics.flows` turns the small table of paths into the Flows page's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, literal, select
from sqlmodel import Session, col

from core.analytics import flows
from core.analytics.period import Period
from core.analytics.queries.flow_paths import FlowFilters, in_period, paths_by_conversation
from core.models import Conversation
from core.models._types import as_utc

LISTED = 100  # conversations listed for a clicked node or link


@dataclass(frozen=True)
class FlowConversation:
    public_id: str
    created_at: datetime
    language: str
    path: tuple[str, ...]


def path_table(
    *,
    session: Session,
    period: Period,
    filters: FlowFilters | None = None,
    max_steps: int = flows.MAX_STEPS,
) -> pd.DataFrame:
    """One row per distinct path: step_1..step_N, more, ending, conversations."""
    pivot = paths_by_conversation(session, period, filters or FlowFilters(), max_steps)
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
    pivot = paths_by_conversation(session, period, filters or FlowFilters(), max_steps)

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
            .where(*in_period(period), col(column).is_not(None))
            .group_by(column)
            .order_by(column)
        ).all()
        out[name] = [str(value) for (value,) in rows]
    return out
