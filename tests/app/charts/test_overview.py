"""The Overview's chart as app/charts draws it from the analytics result."""

from __future__ import annotations

from datetime import date, timedelta

from app.charts.overview import conversations_per_day

WEEK = [date(2024, 5, 6) + timedelta(days=i) for i in range(7)]  # Monday to Sunday


def test_one_bar_per_day_oldest_first_with_readable_day_names() -> None:
    figure = conversations_per_day(list(zip(WEEK, [0, 3, 12, 1, 0, 7, 2], strict=True)))
    (bars,) = figure.data
    assert list(bars.x) == [
        "Mon 06 May",
        "Tue 07 May",
        "Wed 08 May",
        "Thu 09 May",
        "Fri 10 May",
        "Sat 11 May",
        "Sun 12 May",
    ]
    assert list(bars.y) == [0, 3, 12, 1, 0, 7, 2]
    assert figure.layout.title.text == "Conversations per day (last 7 days)"


def test_the_count_axis_shows_whole_conversations_only() -> None:
    quiet = conversations_per_day([(day, 1 if day == WEEK[0] else 0) for day in WEEK])
    busy = conversations_per_day([(day, 23) for day in WEEK])
    assert quiet.layout.yaxis.dtick == 1  # never a tick at 0.5 conversations
    assert busy.layout.yaxis.dtick == 5
    assert conversations_per_day([]).layout.yaxis.dtick == 1  # no data yet: no crash
