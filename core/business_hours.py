"""Is the business open, and when does it open next? Pure functions over the owner's weekly hours.

Hours are wall-clock times in the business's time zone, as the owner wrote them
(`{"mon": "09:00-18:00", ..., "sun": None}`), so every comparison happens on the local clock:
09:00 stays 09:00 on both sides of a daylight-saving change.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.models.business import DAYS

# The format BusinessUpdate accepts; spans never cross midnight (closing must follow opening).
_SPAN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")

Hours = dict[str, str | None]


def _span(value: object) -> tuple[time, time] | None:
    # The admin validates hours on save; anything else (a hand-edited row) reads as closed rather
    # than breaking the widget's configuration.
    if not isinstance(value, str) or not _SPAN.match(value):
        return None
    start, end = time.fromisoformat(value[:5]), time.fromisoformat(value[6:])
    return (start, end) if start < end else None


def _local(tz: str, now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    return now.astimezone(ZoneInfo(tz))


def open_now(hours: Hours, tz: str, now: datetime) -> bool:
    """True while `now` falls inside that local day's opening span (opening inclusive)."""
    local = _local(tz, now)
    span = _span(hours.get(DAYS[local.weekday()]))
    return span is not None and span[0] <= local.time() < span[1]


def next_opening(hours: Hours, tz: str, now: datetime) -> datetime | None:
    """
    The first opening strictly after `now`, as an aware datetime in the business time zone, looking
    up to 7 days ahead (so a business open one day a week still has one); None when every day is
    closed. While open, that is the next day's opening.
    """
    local = _local(tz, now)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        span = _span(hours.get(DAYS[day.weekday()]))
        if span is None or (offset == 0 and span[0] <= local.time()):
            continue
        # The owner's wall-clock time on that date; the zone supplies that date's UTC offset.
        return datetime.combine(day, span[0], tzinfo=local.tzinfo)
    return None
