"""The stretch of time a dashboard covers: whole local days in the business's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366  # a dashboard over more than three years is a typo, not a question


class PeriodError(ValueError):
    """A date range an owner cannot have meant; the message says what to change."""


@dataclass(frozen=True)
class Period:
    """From the first local day's midnight to the midnight after the last day, in UTC."""

    first: date
    last: date
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(
                f"The range ends ({self.last}) before it starts ({self.first}): swap the dates."
            )
        if (self.last - self.first).days + 1 > MAX_DAYS:
            raise PeriodError(f"Choose at most {MAX_DAYS} days.")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=self.tz).astimezone(
            UTC
        )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @classmethod
    def last_days(cls, days: int, *, now: datetime, tz: ZoneInfo) -> Period:
        """The `days` local days ending today (today included)."""
        today = now.astimezone(tz).date()
        return cls(today - timedelta(days=days - 1), today, tz)

    @classmethod
    def parse(cls, first: str, last: str, *, tz: ZoneInfo) -> Period:
        """From two ISO dates (YYYY-MM-DD) as a date input or a command line gives them."""
        try:
            start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
        except ValueError:
            raise PeriodError(f"Write dates as YYYY-MM-DD (got {first!r} and {last!r}).") from None
        return cls(start, end, tz)
