"""Open or closed, and the next opening, on known dates in the demo business's time zone.

America/Halifax: daylight saving starts Sunday 2024-03-10 at 02:00 (-04:00 -> -03:00) and ends
Sunday 2024-11-03 at 02:00 (-03:00 -> -04:00).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.business_hours import next_opening, open_now

TZ = "America/Halifax"
HALIFAX = ZoneInfo(TZ)
HOURS: dict[str, str | None] = {
    "mon": "09:00-18:00",
    "tue": "09:00-18:00",
    "wed": "09:00-18:00",
    "thu": "09:00-20:00",
    "fri": "09:00-18:00",
    "sat": "10:00-17:00",
    "sun": None,
}


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HALIFAX)


@pytest.mark.parametrize(
    ("now", "is_open", "opens"),
    [
        # Monday: the opening minute counts, the closing minute does not.
        ("2024-03-11 08:59", False, "2024-03-11T09:00:00-03:00"),
        ("2024-03-11 09:00", True, "2024-03-12T09:00:00-03:00"),
        ("2024-03-11 17:59", True, "2024-03-12T09:00:00-03:00"),
        ("2024-03-11 18:00", False, "2024-03-12T09:00:00-03:00"),
        # Thursday's late opening; Friday evening waits for Saturday's later start.
        ("2024-03-14 19:30", True, "2024-03-15T09:00:00-03:00"),
        ("2024-03-15 19:30", False, "2024-03-16T10:00:00-03:00"),
        # Sunday is closed all day, even at noon.
        ("2024-03-17 12:00", False, "2024-03-18T09:00:00-03:00"),
    ],
)
def test_open_now_and_next_opening_on_an_ordinary_week(now: str, is_open: bool, opens: str) -> None:
    assert open_now(HOURS, TZ, local(now)) is is_open
    found = next_opening(HOURS, TZ, local(now))
    assert found is not None and found.isoformat() == opens


def test_the_opening_after_a_spring_forward_is_still_nine_on_the_local_clock() -> None:
    # Saturday evening in standard time; the clocks go forward on the (closed) Sunday.
    saturday = datetime(2024, 3, 9, 22, 0, tzinfo=UTC)  # 18:00 AST
    assert not open_now(HOURS, TZ, saturday)
    monday = next_opening(HOURS, TZ, saturday)
    assert monday is not None
    assert (monday.strftime("%a %H:%M"), monday.utcoffset()) == (
        "Mon 09:00",
        local("2024-03-11").utcoffset(),
    )
    assert monday.astimezone(UTC) == datetime(2024, 3, 11, 12, 0, tzinfo=UTC)
    # The same instant a week earlier (no change in between) is an hour later in UTC.
    week_before = next_opening(HOURS, TZ, datetime(2024, 3, 2, 22, 0, tzinfo=UTC))
    assert week_before is not None
    assert week_before.astimezone(UTC) == datetime(2024, 3, 4, 13, 0, tzinfo=UTC)


def test_the_opening_after_a_fall_back_is_still_nine_on_the_local_clock() -> None:
    saturday = datetime(2024, 11, 2, 21, 0, tzinfo=UTC)  # 18:00 ADT
    monday = next_opening(HOURS, TZ, saturday)
    assert monday is not None
    assert monday.isoformat() == "2024-11-04T09:00:00-04:00"
    assert open_now(HOURS, TZ, datetime(2024, 11, 4, 13, 0, tzinfo=UTC))
    assert not open_now(HOURS, TZ, datetime(2024, 11, 4, 12, 59, tzinfo=UTC))


def test_the_business_time_zone_decides_the_day_and_the_hour() -> None:
    # Thursday 19:30 in Halifax is 22:30 UTC: open there, closed on a UTC clock.
    now = datetime(2024, 3, 14, 22, 30, tzinfo=UTC)
    assert open_now(HOURS, TZ, now)
    assert not open_now(HOURS, "UTC", now)
    # Early Saturday in UTC is still Friday evening in Halifax, so Saturday's opening is next.
    friday_night = datetime(2024, 3, 16, 1, 0, tzinfo=UTC)
    found = next_opening(HOURS, TZ, friday_night)
    assert found is not None and found.isoformat() == "2024-03-16T10:00:00-03:00"


def test_a_business_open_one_day_a_week_reopens_a_week_later() -> None:
    mondays = {"mon": "09:00-12:00"}
    found = next_opening(mondays, TZ, local("2024-03-11 10:00"))
    assert found is not None and found.isoformat() == "2024-03-18T09:00:00-03:00"


def test_a_business_closed_all_week_has_no_next_opening() -> None:
    closed: dict[str, str | None] = dict.fromkeys(HOURS)
    now = local("2024-03-11 10:00")
    assert not open_now(closed, TZ, now)
    assert next_opening(closed, TZ, now) is None
    assert next_opening({}, TZ, now) is None


def test_unreadable_hours_count_as_closed() -> None:
    hand_edited: dict[str, str | None] = {"mon": "9-5", "tue": "18:00-09:00", "wed": "09:00-18:00"}
    assert not open_now(hand_edited, TZ, local("2024-03-11 10:00"))
    assert not open_now(hand_edited, TZ, local("2024-03-12 10:00"))
    found = next_opening(hand_edited, TZ, local("2024-03-11 10:00"))
    assert found is not None and found.isoformat() == "2024-03-13T09:00:00-03:00"


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        open_now(HOURS, TZ, datetime(2024, 3, 11, 10, 0))
