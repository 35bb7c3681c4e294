"""The Overview page's numbers on small hand-built tables with known answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.analytics.overview import Frames, Summary, conversations_per_day, summarize

START = datetime(2031, 3, 10, tzinfo=UTC)
END = START + timedelta(days=1)
BERLIN = ZoneInfo("Europe/Berlin")  # UTC+1 in March 2031 (summer time starts March 30)


def at(minutes: float) -> datetime:
    """A time `minutes` after the period starts (negative: before it)."""
    return START + timedelta(minutes=minutes)


def frames(
    conversations: Sequence[tuple[int, float] | tuple[int, float, str]],
    messages: Sequence[tuple[Any, ...]] = (),
    feedback: Sequence[tuple[Any, ...]] = (),
    events: Sequence[tuple[int | None, str, float]] = (),
) -> Frames:
    """Rows with times in minutes after START: conversations (id, minute[, status]), messages
    (conversation, role, minute[, faq_id[, latency_ms[, kind]]]) numbered in the order given,
    feedback (conversation, rating, minute[, message number]), events (conversation, name,
    minute)."""
    conv_rows: list[tuple[Any, ...]] = [
        (c[0], at(c[1]), c[2] if len(c) > 2 else "bot") for c in conversations
    ]
    message_rows = [
        (
            number,
            m[0],
            m[1],
            at(m[2]),
            m[3] if len(m) > 3 else None,
            m[4] if len(m) > 4 else None,
            m[5] if len(m) > 5 else None,
        )
        for number, m in enumerate(messages, start=1)
    ]
    return Frames.from_rows(
        conversations=conv_rows,
        messages=message_rows,
        feedback=[
            (n, f[0], f[3] if len(f) > 3 else None, f[1], at(f[2]))
            for n, f in enumerate(feedback, start=1)
        ],
        events=[(c, name, at(minute)) for c, name, minute in events],
    )


def summary(data: Frames) -> Summary:
    return summarize(data, start=START, end=END)


def test_no_data_gives_zero_counts_and_no_shares() -> None:
    assert summary(Frames()) == Summary(
        conversations=0,
        messages=0,
        bot_resolved_share=None,
        handed_over_share=None,
        median_first_response_seconds=None,
        feedback_score=None,
        feedback_count=0,
    )
    days = [date(2031, 3, 10), date(2031, 3, 11)]
    assert conversations_per_day(Frames(), days=days, tz=BERLIN) == [(days[0], 0), (days[1], 0)]


def test_counts_take_the_start_and_leave_out_the_end_of_the_period() -> None:
    data = frames(
        conversations=[(1, -1), (2, 0), (3, 60), (4, 24 * 60)],
        messages=[(1, "visitor", -1), (1, "agent", 5), (2, "visitor", 0), (4, "visitor", 24 * 60)],
    )
    result = summary(data)
    assert result.conversations == 2  # 2 and 3; 1 started before, 4 at the (excluded) end
    assert result.messages == 2  # the agent's late reply in the old conversation counts
    # Conversation 1 was handed over, but it did not start in the period.
    assert result.handed_over_share == 0.0


def test_system_notices_are_not_counted_as_messages() -> None:
    data = frames(
        conversations=[(1, 0, "human")],
        messages=[(1, "visitor", 1), (1, "bot", 1, 7), (1, "system", 2), (1, "agent", 3)],
    )
    assert summary(data).messages == 3


def test_handed_over_by_event_by_agent_message_or_by_status() -> None:
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0, "human"), (4, 0), (5, 0, "closed")],
        messages=[(2, "visitor", 1), (2, "agent", 2), (4, "visitor", 1), (4, "bot", 1, 7)],
        events=[(1, "agent_joined", 3), (5, "agent_joined", 3), (5, "closed", 4)],
    )
    assert summary(data).handed_over_share == pytest.approx(4 / 5)


def test_bot_resolved_needs_an_answer_from_the_knowledge_base() -> None:
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0)],
        messages=[
            (1, "visitor", 1),
            (1, "bot", 1, 7),  # answered from FAQ 7
            (2, "visitor", 1),
            (2, "bot", 1),  # a clarifying question, no FAQ
            (3, "visitor", 1),  # no answer at all
        ],
    )
    assert summary(data).bot_resolved_share == pytest.approx(1 / 3)


def test_bot_resolved_is_confirmed_by_a_thumbs_up_or_assumed_when_nothing_follows() -> None:
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0), (4, 0)],
        messages=[
            (1, "visitor", 1),
            (1, "bot", 1, 7, None, "answer"),  # 2: rated helpful, then more questions
            (1, "visitor", 2),
            (1, "bot", 2, None, None, "unknown"),
            (2, "visitor", 1),
            (2, "bot", 1, 7, None, "answer"),  # asked again and got "I don't know"
            (2, "visitor", 2),
            (2, "bot", 2, None, None, "unknown"),
            (3, "visitor", 1),
            (3, "bot", 1, 7, None, "answer"),  # the visitor asked for a person
            (3, "visitor", 2),
            (3, "bot", 2, None, None, "handover"),
            (4, "visitor", 1),
            (4, "bot", 1, 7, None, "answer"),  # not helpful, then a change of mind
        ],
        feedback=[(1, 1, 3, 2), (4, -1, 2, 14), (4, 1, 3, 14)],
    )
    # 1 confirmed; 4 assumed (its latest rating is helpful); 2 and 3 not resolved.
    assert summary(data).bot_resolved_share == pytest.approx(2 / 4)


def test_a_handed_over_conversation_is_not_bot_resolved() -> None:
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0, "human")],
        messages=[
            (1, "visitor", 1),
            (1, "bot", 1, 7),
            (2, "visitor", 1),
            (2, "bot", 1, 7),
            (2, "agent", 5),
            (3, "visitor", 1),
            (3, "bot", 1, 7),
        ],
        events=[(1, "agent_joined", 3)],
    )
    result = summary(data)
    assert result.bot_resolved_share == 0.0
    assert result.handed_over_share == 1.0


def test_contact_request_or_negative_feedback_means_not_resolved() -> None:
    answered = [
        (c, role, 1, 7) if role == "bot" else (c, role, 1)
        for c in (1, 2, 3, 4)
        for role in ("visitor", "bot")
    ]
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0), (4, 0)],
        messages=answered,
        feedback=[(2, -1, 3), (3, 1, 3), (4, 1, 3), (4, -1, 5)],
        events=[(1, "contact_requested", 2), (None, "contact_requested", 2)],
    )
    # Only 3 stands: 1 asked to be contacted, 2 and 4 have a "not helpful" rating.
    assert summary(data).bot_resolved_share == pytest.approx(1 / 4)


def test_first_response_counts_from_the_first_visitor_message() -> None:
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0), (4, 0)],
        messages=[
            (1, "visitor", 1),
            (1, "visitor", 3),
            (1, "agent", 6),  # 5 minutes after the first question, not 3
            (2, "bot", 0, 7),  # before the visitor wrote: not a response
            (2, "visitor", 2),
            (2, "system", 3),
            (2, "agent", 12),  # 10 minutes
            (3, "visitor", 1),
            (3, "bot", 1, 7),  # stored in the same instant as the question: 0 seconds
            (4, "visitor", 1),  # never answered: left out of the median
        ],
    )
    assert summary(data).median_first_response_seconds == 300.0


def test_a_bot_answers_first_response_is_the_latency_it_measured() -> None:
    data = frames(
        conversations=[(1, 0), (2, 0), (3, 0)],
        messages=[
            (1, "visitor", 1),
            (1, "bot", 1, 7, 240.0),  # stored with its question, 240 ms after it arrived
            (2, "visitor", 1),
            (2, "bot", 1, 7, 360.0),
            (3, "visitor", 1),
            (3, "bot", 1, None, 300.0),  # a clarifying question is a response too
        ],
    )
    assert summary(data).median_first_response_seconds == pytest.approx(0.3)


def test_first_response_is_none_when_nobody_answered() -> None:
    data = frames(conversations=[(1, 0)], messages=[(1, "visitor", 1), (1, "system", 2)])
    assert summary(data).median_first_response_seconds is None


def test_feedback_score_is_the_helpful_share_of_ratings_in_the_period() -> None:
    data = frames(
        conversations=[(1, -60), (2, 0)],
        feedback=[(1, 1, -1), (1, 1, 10), (2, 1, 20), (2, -1, 30), (2, -1, 24 * 60)],
    )
    result = summary(data)
    assert result.feedback_count == 3
    assert result.feedback_score == pytest.approx(2 / 3)


def test_days_are_counted_in_the_business_time_zone() -> None:
    data = frames(
        conversations=[
            (1, -30),  # 2031-03-09 23:30 UTC = 03-10 00:30 in Berlin
            (2, 22 * 60 + 59),  # 03-10 22:59 UTC = 23:59 in Berlin
            (3, 23 * 60),  # 03-10 23:00 UTC = 03-11 00:00 in Berlin
        ]
    )
    days = [date(2031, 3, 9), date(2031, 3, 10), date(2031, 3, 11), date(2031, 3, 12)]
    assert conversations_per_day(data, days=days, tz=BERLIN) == list(
        zip(days, [0, 2, 1, 0], strict=True)
    )
    assert conversations_per_day(data, days=days, tz=ZoneInfo("UTC")) == list(
        zip(days, [1, 2, 0, 0], strict=True)
    )
    # The same local day as a summary period: Berlin midnight to midnight.
    local_day = summarize(
        data,
        start=datetime(2031, 3, 10, tzinfo=BERLIN),
        end=datetime(2031, 3, 11, tzinfo=BERLIN),
    )
    assert local_day.conversations == 2


def test_naive_times_are_taken_as_utc() -> None:
    # SQLite hands back naive datetimes; they are UTC and must land in the same period.
    naive = Frames.from_rows(conversations=[(1, datetime(2031, 3, 10, 0, 30), "bot")])
    assert summary(naive).conversations == 1
    assert (
        summarize(
            naive, start=START.replace(tzinfo=None), end=END.replace(tzinfo=None)
        ).conversations
        == 1
    )
