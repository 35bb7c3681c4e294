"""The Overview's reads: the page's today and last 7 days load plain columns into `Frames` for
the pure functions in `core.analytics.overview`; a whole period (the JSON command's
"overview", up to a year of a business) is counted in one SQL statement with the same
definitions (the bot's resolution as `core.analytics.queries._sql.RESOLUTION_CTES` has it)."""

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
from core.analytics.queries._sql import RESOLUTION_CTES, median, query, tuned, utc
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


SUMMARY = f"""
WITH {RESOLUTION_CTES},
counted AS (
  SELECT COUNT(*) AS conversations, COALESCE(SUM(confirmed + assumed), 0) AS resolved,
    COALESCE(SUM(agent_handled), 0) AS handed, COUNT(first_response_seconds) AS answered
  FROM resolution
)
SELECT counted.conversations, counted.resolved, counted.handed,
  counted.answered, {median("first_response_seconds", "resolution")},
  (SELECT COUNT(*) FROM message m WHERE m.created_at >= :res_start AND m.created_at < :res_end
    AND m.role IN ('visitor', 'bot', 'agent')),
  (SELECT COUNT(*) FROM feedback f WHERE f.created_at >= :res_start AND f.created_at < :res_end),
  (SELECT COUNT(*) FROM feedback f WHERE f.created_at >= :res_start AND f.created_at < :res_end
    AND f.rating > 0)
FROM counted
"""


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summary_of(*, session: Session, period: Period) -> Summary:
    """The Overview's figures over a whole period (the JSON command's "overview"): the same
    numbers `summarize` gives on the period's frames, counted by the database."""
    conn = tuned(session)
    times = {"res_start": utc(period.start), "res_end": utc(period.end)}
    row = conn.execute(query(SUMMARY, "res_start", "res_end"), times).one()
    conversations, resolved, handed, answered, first, messages, rated, liked = row
    return Summary(
        conversations=int(conversations),
        messages=int(messages),
        bot_resolved_share=_share(int(resolved), int(conversations)),
        handed_over_share=_share(int(handed), int(conversations)),
        median_first_response_seconds=float(first) if int(answered) else None,
        feedback_score=_share(int(liked), int(rated)),
        feedback_count=int(rated),
    )
