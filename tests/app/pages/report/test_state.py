"""The weekly report page as an owner uses it: the e-mail previewed with its chart, where and
when it goes, Send now through the outbox once e-mail is set up, and what to set before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.pages.report.state import ReportState
from core.models import OutboxEntry
from core.models.users import UserRole
from core.settings import Settings, get_settings
from tests.app.test_session_state import call, people, state_of
from tests.fake_slack import clear_outbox

__all__ = ["people"]  # the fixture, shared with the permission tests


@pytest.fixture
def mailing(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    clear_outbox(engine)
    live = get_settings()
    for name, value in {
        "REPORT_EMAIL_TO": ["owner@harbourside.example"],
        "SMTP_HOST": "127.0.0.1",
        "MAIL_FROM": "help@harbourside.example",
    }.items():
        monkeypatch.setattr(live, name, value)
    yield
    clear_outbox(engine)


def test_an_owner_previews_the_report_and_is_told_what_to_set(people: dict[str, str]) -> None:
    page = state_of(ReportState, token=people[UserRole.OWNER])
    call(page, "load")
    assert page.loaded and "your week" in page.preview
    assert "data:image/png;base64," in page.preview  # the chart, drawn in Chromium
    assert page.schedule.startswith("Every Monday from 08:00 (America/Halifax)")
    assert not page.can_send
    assert page.why_not == "To send it, set REPORT_EMAIL_TO and SMTP_HOST and MAIL_FROM."


def test_send_now_writes_the_e_mail_to_the_outbox(
    engine: Engine, people: dict[str, str], mailing: None
) -> None:
    page = state_of(ReportState, token=people[UserRole.OWNER])
    call(page, "load")
    assert page.can_send and page.recipients == "owner@harbourside.example"
    call(page, "send_now")
    assert page.notice.startswith("Sent to the outbox for 1 address:")
    with Session(engine) as session:
        [entry] = session.exec(
            select(OutboxEntry).where(
                col(OutboxEntry.idempotency_key).startswith("email:report:now:")
            )
        ).all()
    assert entry.payload["to"] == "owner@harbourside.example"
    assert entry.payload["subject"] == page.subject
