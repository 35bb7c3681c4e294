"""SMS alerts about upset visitors, through twilio's client and a local Twilio server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.integrations import delivery, sms
from core.integrations.channels import DELIVERERS
from core.integrations.sms_rules import is_quiet
from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from core.models._types import utcnow
from core.settings import Settings
from tests.core.integrations.test_alerts import turn
from tests.core.integrations.test_delivery import drain, entry
from tests.factories import make_conversation
from tests.fake_twilio import FROM, OWNER, FakeTwilio


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def sms_on(
    settings: Settings, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Twilio configured in the settings every module reads (get_settings())."""
    for name, value in twilio.settings().items():
        monkeypatch.setattr(settings, name, value)
    monkeypatch.setattr(settings, "OUTBOX_BACKOFF_BASE_SECONDS", 0.001)
    yield settings


def texts(session: Session) -> list[OutboxEntry]:
    query = select(OutboxEntry).where(col(OutboxEntry.channel) == OutboxChannel.SMS)
    return list(session.exec(query.order_by(col(OutboxEntry.id))).all())


def write(session: Session, settings: Settings, key: str, now: datetime | None = None) -> bool:
    wrote = sms.enqueue(
        session=session,
        settings=settings,
        timezone="Europe/London",
        text="Urgent: a visitor reads angry. http://localhost:3000/inbox?c=abc",
        key=key,
        conversation_id=None,
        now=now,
    )
    session.commit()
    return wrote


def test_an_upset_visitor_texts_the_owner_without_quoting_them(
    db: Engine, session: Session, sms_on: Settings, twilio: FakeTwilio
) -> None:
    conversation = make_conversation(session)
    turn(session, conversation, "You ruined my wheel, call 07700 900999", urgent=True,
         urgency="high", emotion="angry")  # fmt: skip
    [text] = texts(session)
    assert drain(db, sms_on).delivered >= 1
    [sent] = twilio.sent
    assert (sent["To"], sent["From"]) == (OWNER, FROM)
    assert sent["Body"] == (
        f"Urgent: a visitor reads angry. {sms_on.ADMIN_PUBLIC_URL}/inbox?c={conversation.public_id}"
    )
    assert "wheel" not in sent["Body"] and "900999" not in sent["Body"]
    assert entry(db, text.idempotency_key).status == OutboxStatus.DELIVERED


def test_quiet_hours_and_the_hourly_cap_hold_texts_back(
    db: Engine, session: Session, sms_on: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sms_on, "SMS_QUIET_HOURS", "22:00-07:00")
    monkeypatch.setattr(sms_on, "SMS_PER_HOUR", 2)
    night = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 23:30 in London
    assert not write(session, sms_on, "night", now=night)
    assert [write(session, sms_on, f"day-{n}") for n in range(3)] == [True, True, False]
    assert [t.idempotency_key for t in texts(session)] == ["sms:day-0", "sms:day-1"]
    # An hour later the cap has room again.
    assert write(session, sms_on, "later", now=utcnow() + timedelta(hours=1, minutes=1))


def test_quiet_hours_read_the_business_clock_across_midnight() -> None:
    rule, zone = "22:00-07:00", "America/Halifax"  # UTC-4 in December
    assert is_quiet(rule, zone, datetime(2026, 12, 5, 3, 0, tzinfo=UTC))  # 23:00 there
    assert is_quiet(rule, zone, datetime(2026, 12, 5, 10, 59, tzinfo=UTC))  # 06:59 there
    assert not is_quiet(rule, zone, datetime(2026, 12, 5, 11, 0, tzinfo=UTC))  # 07:00 there
    assert not is_quiet("", zone, datetime(2026, 12, 5, 3, 0, tzinfo=UTC))


def test_a_refused_number_is_dead_and_an_outage_is_tried_again(
    db: Engine, session: Session, sms_on: Settings, twilio: FakeTwilio
) -> None:
    twilio.fail_first = 1
    write(session, sms_on, "outage")
    drain(db, sms_on)
    assert entry(db, "sms:outage").status == OutboxStatus.FAILED
    for _ in range(200):
        if drain(db, sms_on).delivered:
            break
    assert entry(db, "sms:outage").status == OutboxStatus.DELIVERED
    assert len(twilio.sent) == 1

    twilio.invalid.add(OWNER)
    write(session, sms_on, "refused")
    drain(db, sms_on)
    assert entry(db, "sms:refused").status == OutboxStatus.DEAD
    assert "21211" in (entry(db, "sms:refused").last_error or "")


def test_a_text_sent_by_a_runner_that_died_is_not_sent_again(
    db: Engine, session: Session, sms_on: Settings, twilio: FakeTwilio
) -> None:
    write(session, sms_on, "died")
    start = utcnow()
    [dying] = delivery.claim(engine=db, settings=sms_on, now=start)
    sms.send(settings=sms_on, payload=dying.payload)  # Twilio took it; the runner died
    later = start + timedelta(seconds=sms_on.OUTBOX_LEASE_SECONDS + 1)
    [taken] = delivery.claim(engine=db, settings=sms_on, now=later)
    assert taken.unsure
    status = delivery.deliver_one(engine=db, settings=sms_on, outgoing=taken, deliverers=DELIVERERS)
    assert status == OutboxStatus.DELIVERED
    assert len(twilio.sent) == 1


def test_phone_settings_are_checked_and_kept_in_e164(settings: Settings) -> None:
    assert Settings(ALERT_SMS_TO="+44 7911 123456").ALERT_SMS_TO == "+447911123456"
    with pytest.raises(ValidationError, match="ALERT_SMS_TO"):
        Settings(ALERT_SMS_TO="07911 123456")  # no country: ambiguous
    with pytest.raises(ValidationError, match="22:00-07:00"):
        Settings(SMS_QUIET_HOURS="10pm to 7am")
