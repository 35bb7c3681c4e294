"""The only analytics module that reads the database: it loads plain columns into `Frames`
and hands them to the pure functions in `core.analytics.overview`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, select

from core.analytics.overview import (
    CONVERSATION_COLUMNS,
    EVENT_COLUMNS,
    FEEDBACK_COLUMNS,
    MESSAGE_COLUMNS,
    Frames,
    Summary,
    conversations_per_day,
    summarize,
)
from core.analytics.period import Period
from core.models import AnalyticsEvent, Conversation, Feedback, Message
from core.models._types import as_utc

DAYS = 7


@dataclass(frozen=True)
class Overview:
    today: Summary
    last_7_days: Summary
    per_day: list[tuple[date, int]]  # oldest first, today last


def _rows(
    session: Session, table: type[SQLModel], names: Sequence[str], since: datetime
) -> list[tuple[Any, ...]]:
    # Only the named plain columns: encrypted text is never read (or decrypted) here.
    columns = {name: getattr(table, name) for name in names}
    statement = select(*columns.values()).where(columns["created_at"] >= since)
    return [tuple(row) for row in session.exec(statement)]


def load_frames(*, session: Session, since: datetime) -> Frames:
    """Conversations started, and messages, ratings and events created, at or after `since`.
    That includes every message, rating and event of a loaded conversation: none is older
    than its conversation."""
    since = as_utc(since)
    return Frames.from_rows(
        conversations=_rows(session, Conversation, CONVERSATION_COLUMNS, since),
        messages=_rows(session, Message, MESSAGE_COLUMNS, since),
        feedback=_rows(session, Feedback, FEEDBACK_COLUMNS, since),
        events=_rows(session, AnalyticsEvent, EVENT_COLUMNS, since),
    )


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def overview(*, session: Session, now: datetime, tz: ZoneInfo) -> Overview:
    """Today (the local day in `tz` containing `now`) and the last 7 local days ending today,
    so that the per-day chart adds up to the 7-day count."""
    today = as_utc(now).astimezone(tz).date()
    days = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    week_start, today_start = _midnight(days[0], tz), _midnight(today, tz)
    end = _midnight(today + timedelta(days=1), tz)
    frames = load_frames(session=session, since=week_start)
    return Overview(
        today=summarize(frames, start=today_start, end=end),
        last_7_days=summarize(frames, start=week_start, end=end),
        per_day=conversations_per_day(frames, days=days, tz=tz),
    )


def summary_of(*, session: Session, period: Period) -> Summary:
    """The Overview's figures over a whole period (the JSON command's "overview")."""
    frames = load_frames(session=session, since=period.start)
    return summarize(frames, start=period.start, end=period.end)
