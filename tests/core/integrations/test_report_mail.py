"""The weekly report (core/integrations/report.py, report_mail.py): last week's figures against the week before, the most asked FAQs, the
weakest answers and a chart of conversations per day, e-mailed once a week (HTML with the
chart inline, and plain text) to each of REPORT_EMAIL_TO on REPORT_DAY from REPORT_HOUR."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.crud import conversation_facts
from core.crud import messages as msg_crud
from core.db import session_scope
from core.integrations import report, report_mail
from core.models import FaqEntry, MessageCreate, OutboxEntry, ReplyKind, Role
from core.settings import Settings
from tests.core.integrations.test_delivery import drain
from tests.factories import make_conversation
from tests.fake_smtp import FakeSmtp

# The demo business keeps Atlantic time (UTC-3 in summer). Tests share a database, so each
# reports on weeks no other test writes to.
LAST_DAY = date(2037, 5, 10)  # the Sunday the report's week ends on
MAILED_LAST_DAY = date(2037, 6, 7)  # another Sunday
MONDAY = datetime(2037, 6, 8, 11, 30, tzinfo=UTC)  # 08:30 there, the day after
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp().start()
    yield server
    server.stop()


@pytest.fixture
def reporting(settings: Settings, smtp: FakeSmtp) -> Settings:
    return settings.model_copy(
        update=smtp.settings()
        | {
            "REPORT_EMAIL_TO": ["owner@harbourside.example", "books@harbourside.example"],
            "OUTBOX_BACKOFF_BASE_SECONDS": 0.001,
            "OUTBOX_BACKOFF_MAX_SECONDS": 0.002,
        }
    )


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 16, 0, tzinfo=UTC)  # noon on the business's clock


def seed(engine: Engine, last_day: date = LAST_DAY) -> tuple[str, str]:
    """Last week: 3 conversations (two answered from one FAQ, one from another, one question
    the bot did not know), the week before: 1. Returns the two FAQs' questions."""
    with session_scope(engine) as session:
        faqs = session.exec(select(FaqEntry).order_by(col(FaqEntry.id)).limit(2)).all()
        ids = []
        for day, faq in (
            (last_day - timedelta(days=6), faqs[0]),  # Monday
            (last_day - timedelta(days=6), faqs[0]),
            (last_day - timedelta(days=2), faqs[1]),  # Friday
            (last_day - timedelta(days=9), faqs[0]),  # the week before
        ):
            conversation = make_conversation(session, created_at=at_noon(day))
            asked = msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(role=Role.VISITOR, text=faq.question),
            )
            answer = msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(
                    role=Role.BOT,
                    text=faq.answer,
                    faq_id=faq.id,
                    reply_to_id=asked.id,
                    confidence=0.9,
                    kind=ReplyKind.ANSWER,
                    latency_ms=40.0,
                ),
            )
            for message in (asked, answer):
                message.created_at = at_noon(day)
                session.add(message)
            ids.append(conversation.id)
        lost = make_conversation(session, created_at=at_noon(last_day))
        unknown = msg_crud.create_message(
            session=session,
            conversation=lost,
            message_in=MessageCreate(role=Role.BOT, text="I don't know", kind=ReplyKind.UNKNOWN),
        )
        unknown.created_at = at_noon(last_day)
        session.add(unknown)
        ids.append(lost.id)
        session.flush()
        conversation_facts.refresh(session.connection(), ids)
        return faqs[0].question, faqs[1].question


def test_the_report_is_e_mailed_once_a_week_with_its_chart_inline(
    db: Engine, reporting: Settings, smtp: FakeSmtp
) -> None:
    first, _ = seed(db, MAILED_LAST_DAY)

    def send(now: datetime) -> int:
        with session_scope(db) as session:
            return report_mail.send_weekly(session=session, settings=reporting, now=now)

    assert send(MONDAY - timedelta(hours=1)) == 0  # 07:30: too early
    assert send(MONDAY - timedelta(days=1)) == 0  # Sunday
    assert send(MONDAY) == 2  # one for each address
    assert send(MONDAY + timedelta(hours=1)) == 0  # once a week
    drain(db, reporting)

    assert sorted(m["To"] for m in smtp.received) == [
        "books@harbourside.example",
        "owner@harbourside.example",
    ]
    message = smtp.received[0]
    assert message["Subject"] == "Harbourside Bikes: your week of 1 Jun to 7 Jun 2037"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Conversations: 4 (+300%)" in text and f"1. {first}: 2 answers" in text
    html = message.get_body(preferencelist=("html",))
    assert 'src="cid:conversations-per-day"' in html.get_content()
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<conversations-per-day>"
    assert image.get_content().startswith(PNG)  # drawn by plotly in Chromium
    with Session(db) as session:
        keys = sorted(e.idempotency_key for e in session.exec(select(OutboxEntry)))
    assert keys == [
        "email:report:2037-06-07:books@harbourside.example",
        "email:report:2037-06-07:owner@harbourside.example",
    ]


def test_no_report_without_addresses_or_e_mail(
    db: Engine, settings: Settings, smtp: FakeSmtp
) -> None:
    with session_scope(db) as session:
        assert report_mail.send_weekly(session=session, settings=settings, now=MONDAY) == 0
        no_smtp = settings.model_copy(update={"REPORT_EMAIL_TO": ["owner@example.org"]})
        assert report_mail.send_weekly(session=session, settings=no_smtp, now=MONDAY) == 0


def test_the_preview_shows_the_chart_without_an_e_mail(db: Engine, reporting: Settings) -> None:
    with Session(db) as session:
        built = report.build(session=session, last=LAST_DAY)
    page = report_mail.render_html(
        built, settings=reporting, to="owner@harbourside.example", inline=False
    )
    assert 'src="data:image/png;base64,' in page
    assert "Conversations per day: " in page  # the chart's text alternative
