"""E-mail through the outbox, delivered to a local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.integrations import outbox
from core.integrations.email import message_id
from core.models import OutboxChannel, OutboxStatus
from core.settings import Settings
from tests.core.integrations.test_delivery import drain, entry
from tests.fake_smtp import FakeSmtp

PAYLOAD = {"to": "rider@example.org", "subject": "Your data", "text": "Here is your link.\n"}


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp().start()
    yield server
    server.stop()


def write(engine: Engine, key: str, payload: dict[str, str] = PAYLOAD) -> None:
    with Session(engine) as session:
        assert outbox.enqueue(
            session=session, channel=OutboxChannel.EMAIL, payload=payload, key=key
        )
        session.commit()


def test_an_email_reaches_the_mail_server_once(
    db: Engine, settings: Settings, smtp: FakeSmtp
) -> None:
    write(db, "mail-1")
    result = drain(db, settings.model_copy(update=smtp.settings()))
    assert result.delivered == 1
    [mail] = smtp.received
    assert mail["To"] == "rider@example.org" and mail["Subject"] == "Your data"
    assert mail["From"] == "Harbourside Bikes <help@harbourside.example>"
    assert mail["Message-ID"] == message_id("mail-1", "help@harbourside.example")
    assert mail["Message-ID"].endswith("@harbourside.example>")
    assert mail.get_content().replace("\r\n", "\n") == "Here is your link.\n"
    assert drain(db, settings.model_copy(update=smtp.settings())).delivered == 0  # sent once


def test_a_refused_mailbox_is_dead_at_once_and_an_unreachable_server_is_tried_again(
    db: Engine, settings: Settings, smtp: FakeSmtp
) -> None:
    smtp.unknown.add("nobody@example.org")
    write(db, "mail-refused", {**PAYLOAD, "to": "nobody@example.org"})
    drain(db, settings.model_copy(update=smtp.settings()))
    assert entry(db, "mail-refused").status == OutboxStatus.DEAD

    write(db, "mail-later")
    elsewhere = settings.model_copy(update={**smtp.settings(), "SMTP_PORT": smtp.port + 1})
    drain(db, elsewhere)  # nothing listens there
    assert entry(db, "mail-later").status == OutboxStatus.FAILED
    assert smtp.received == []


def test_without_a_mail_server_set_up_the_email_waits(db: Engine, settings: Settings) -> None:
    write(db, "mail-unset")
    drain(db, settings.model_copy(update={"SMTP_HOST": None}))
    assert entry(db, "mail-unset").status == OutboxStatus.FAILED
