"""A dashboard's range is whole local days in the business's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.analytics.period import Period, PeriodError

LONDON = ZoneInfo("Europe/London")


def test_a_range_runs_from_the_first_local_midnight_to_the_midnight_after_the_last_day() -> None:
    period = Period.parse("2026-07-01", "2026-07-31", tz=LONDON)  # summer time: UTC+1
    assert period.start == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert period.end == datetime(2026, 7, 31, 23, tzinfo=UTC)
    assert period.days == 31


def test_the_last_days_end_today_in_the_business_time_zone() -> None:
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    period = Period.last_days(7, now=late_evening_utc, tz=ZoneInfo("Asia/Tokyo"))
    assert (period.first, period.last) == (date(2026, 12, 26), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("first", "last", "says"),
    [
        ("2026-07-31", "2026-07-01", "swap the dates"),
        ("01/07/2026", "2026-07-31", "YYYY-MM-DD"),
        ("2000-01-01", "2026-07-31", "at most"),
    ],
)
def test_a_range_no_one_meant_is_refused_with_what_to_change(
    first: str, last: str, says: str
) -> None:
    with pytest.raises(PeriodError, match=says):
        Period.parse(first, last, tz=LONDON)
