"""The Overview numbers read from the database (SQLite here, PostgreSQL in CI).

The database is shared by the whole run, so every row here lives in June 2031, a week no other
test writes to."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pytest import approx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.analytics.overview import Summary, summarize
from core.analytics.period import Period
from core.analytics.queries.overview import load_frames, overview, summary_of
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import Conversation, FaqEntry, MessageCreate
from tests.factories import make_conversation

NEW_YORK = ZoneInfo("America/New_York")  # UTC-4 in June
NOW = datetime(2031, 6, 18, 15, 0, tzinfo=UTC)  # 11:00 on June 18 in New York


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 6, day, hour, minute, tzinfo=UTC)


def _say(
    session: Session, conversation: Conversation, role: str, at: datetime, faq_id: int | None = None
) -> None:
    message = msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(role=role, text=f"{role} text", faq_id=faq_id),
    )
    message.created_at = at
    session.add(message)


def _event(session: Session, conversation: Conversation, name: str, at: datetime) -> None:
    event = event_crud.record_event(session=session, name=name, conversation_id=conversation.id)
    event.created_at = at


def _rate(session: Session, conversation: Conversation, rating: int, at: datetime) -> None:
    assert conversation.id is not None
    feedback = event_crud.create_feedback(
        session=session, conversation_id=conversation.id, rating=rating
    )
    feedback.created_at = at
    session.add(feedback)


def _week(session: Session, back: timedelta = timedelta()) -> None:
    """Four conversations around the week of June 12-18 (New York), moved `back` earlier."""

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return utc(day, hour, minute) - back

    faq_id = session.exec(select(col(FaqEntry.id)).limit(1)).one()
    # Today in New York: answered from the FAQ, rated helpful.
    today = make_conversation(session, created_at=at(18, 10))
    _say(session, today, "visitor", at(18, 10))
    _say(session, today, "bot", at(18, 10), faq_id=faq_id)
    _rate(session, today, 1, at(18, 10, 1))
    # 03:30 UTC on the 18th is 23:30 on the 17th in New York: yesterday. Taken over.
    late = make_conversation(session, created_at=at(18, 3, 30), status="human")
    _say(session, late, "visitor", at(18, 3, 30))
    _event(session, late, "agent_joined", at(18, 3, 31))
    _say(session, late, "agent", at(18, 3, 32))
    # The first local day of the week (00:30 on the 12th); nobody answered.
    first_day = make_conversation(session, created_at=at(12, 4, 30))
    _say(session, first_day, "visitor", at(12, 4, 30))
    _event(session, first_day, "contact_requested", at(12, 4, 35))
    _rate(session, first_day, -1, at(12, 4, 36))
    # 23:00 on the 11th in New York: before the week, though its second message is not.
    older = make_conversation(session, created_at=at(12, 3))
    _say(session, older, "visitor", at(12, 3))
    _say(session, older, "visitor", at(13, 10))


def test_overview_counts_today_and_the_last_seven_local_days(engine: Engine) -> None:
    with session_scope(engine) as session:
        _week(session)

    with Session(engine) as session:
        result = overview(session=session, now=NOW, tz=NEW_YORK)

    assert result.today == Summary(
        conversations=1,
        messages=2,
        bot_resolved_share=1.0,
        handed_over_share=0.0,
        median_first_response_seconds=0.0,
        feedback_score=1.0,
        feedback_count=1,
    )
    assert result.last_7_days == Summary(
        conversations=3,
        messages=6,
        bot_resolved_share=1 / 3,
        handed_over_share=1 / 3,
        median_first_response_seconds=60.0,  # 0 s (bot) and 120 s (agent)
        feedback_score=0.5,
        feedback_count=2,
    )
    days = [date(2031, 6, day) for day in range(12, 19)]
    assert result.per_day == list(zip(days, [1, 0, 0, 0, 0, 1, 1], strict=True))
    assert sum(count for _, count in result.per_day) == result.last_7_days.conversations


def test_a_week_without_activity_shows_zeros(engine: Engine) -> None:
    with Session(engine) as session:
        result = overview(session=session, now=datetime(2032, 1, 15, 12, tzinfo=UTC), tz=NEW_YORK)
    assert result.today.conversations == 0 and result.last_7_days.messages == 0
    assert result.last_7_days.bot_resolved_share is None
    assert [count for _, count in result.per_day] == [0] * 7
    assert result.per_day[-1][0] == date(2032, 1, 15)


def test_loaded_times_come_back_as_utc_instants(engine: Engine) -> None:
    # Times come back as UTC instants on SQLite (naive) and
    # PostgreSQL (aware), so the same conversation falls into the same day on both.
    with session_scope(engine) as session:
        conversation = make_conversation(session, created_at=utc(20, 23, 59))
        conversation_id = conversation.id
    with Session(engine) as session:
        frames = load_frames(session=session, since=utc(20, 0) - timedelta(days=1))
    row = frames.conversations.set_index("id").loc[conversation_id]
    assert row["created_at"] == utc(20, 23, 59)
    assert "text" not in frames.messages.columns


def test_a_period_counted_in_sql_matches_the_pandas_definitions(engine: Engine) -> None:
    # The same week two weeks earlier (May 29 to June 4 in New York), counted by one SQL
    # statement (the JSON command's "overview") and by `summarize` on the loaded frames.
    with session_scope(engine) as session:
        _week(session, back=timedelta(days=14))
    period = Period(date(2031, 5, 29), date(2031, 6, 4), NEW_YORK)
    with Session(engine) as session:
        counted = summary_of(session=session, period=period)
        frames = load_frames(session=session, since=period.start)
    expected = Summary(
        conversations=3,
        messages=6,
        bot_resolved_share=1 / 3,
        handed_over_share=1 / 3,
        median_first_response_seconds=60.0,  # 0 s (bot) and 120 s (agent)
        feedback_score=0.5,
        feedback_count=2,
    )
    assert _fields(counted) == approx(_fields(expected))
    assert _fields(summarize(frames, start=period.start, end=period.end)) == approx(
        _fields(counted)
    )


def test_a_period_without_activity_has_no_shares_in_sql(engine: Engine) -> None:
    with Session(engine) as session:
        counted = summary_of(
            session=session, period=Period(date(2032, 2, 1), date(2032, 2, 7), NEW_YORK)
        )
    assert counted == Summary(0, 0, None, None, None, None, 0)


def _fields(summary: Summary) -> dict[str, float | None]:
    return dict(asdict(summary))
