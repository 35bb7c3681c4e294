"""The outbox page as an owner uses it: what waits, fails or was given up, with the receiver's
error, and Retry sending a dead alert again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.pages.outbox.state import OutboxState
from core.integrations import outbox, slack
from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from core.models.users import UserRole
from tests.app.test_session_state import call, people, state_of
from tests.factories import make_conversation
from tests.fake_slack import clear_outbox

__all__ = ["people"]  # the fixture


@pytest.fixture
def entries(engine: Engine) -> Iterator[dict[str, int]]:
    """One entry in each state: pending (about a conversation), failed and dead."""
    clear_outbox(engine)
    ids: dict[str, int] = {}
    with Session(engine) as session:
        conversation = make_conversation(session)
        for status in ("pending", "failed", "dead"):
            alert = slack.Alert(
                f"{status} alert", f"A {status} alert", [], None, "http://x", "Open"
            )
            outbox.enqueue(
                session=session,
                channel=OutboxChannel.SLACK,
                payload=slack.render(alert),
                key=f"page:{status}",
                conversation_id=conversation.id if status == "pending" else None,
            )
        session.commit()
        for status in (OutboxStatus.FAILED, OutboxStatus.DEAD):
            ids[status] = (
                session.connection()
                .execute(
                    update(OutboxEntry)
                    .where(col(OutboxEntry.idempotency_key) == f"page:{status}")
                    .values(
                        status=status, attempts=3, last_error="SlackApiError: channel_not_found"
                    )
                    .returning(col(OutboxEntry.id))
                )
                .scalar_one()
            )
        session.commit()
        ids["conversation"] = conversation.id or 0
        ids["public_id"] = conversation.public_id  # type: ignore[assignment]
    yield ids
    clear_outbox(engine)


def test_an_owner_sees_each_state_with_the_receivers_error(
    entries: dict[str, int], people: dict[str, str]
) -> None:
    page = state_of(OutboxState, token=people[UserRole.OWNER])
    call(page, "load")

    [waiting] = page.pending
    assert waiting["alert"] == "A pending alert" and waiting["attempts"] == "0"
    assert waiting["inbox_url"] == f"/inbox?c={entries['public_id']}"
    [failing] = page.failed
    assert failing["error"] == "SlackApiError: channel_not_found"
    [dead] = page.dead
    assert dead["id"] == str(entries["dead"]) and dead["alert"] == "A dead alert"
    assert dead["attempts"] == "3" and dead["channel"] == "Slack"
    assert page.max_age == "48 hours"


def test_retry_sends_a_dead_alert_again(entries: dict[str, int], people: dict[str, str]) -> None:
    page = state_of(OutboxState, token=people[UserRole.OWNER])
    call(page, "load")

    call(page, "retry", str(entries["dead"]))

    assert page.dead == [] and page.error == ""
    assert page.notice == f"Alert {entries['dead']} will be sent again shortly."
    retried = next(e for e in page.pending if e["id"] == str(entries["dead"]))
    assert retried["attempts"] == "0" and retried["error"] == ""
    # A second click (or a second owner) finds nothing left to retry.
    call(page, "retry", str(entries["dead"]))
    assert "no longer given up" in page.error


def test_an_agent_sees_nothing_and_retries_nothing(
    entries: dict[str, int], people: dict[str, str], engine: Engine
) -> None:
    page = state_of(OutboxState, token=people[UserRole.AGENT])
    call(page, "load")
    call(page, "retry", str(entries["dead"]))
    assert page.dead == [] and page.pending == []
    with Session(engine) as session:
        assert session.get(OutboxEntry, entries["dead"]).status == OutboxStatus.DEAD  # type: ignore[union-attr]
