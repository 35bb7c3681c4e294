"""The Outbox page in Chromium: an owner sees an alert Slack refused, with Slack's error, sends
it again with Retry, and the page passes axe with its tables filled, in both themes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.integrations import outbox, slack
from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from tests.e2e.conftest import AdminServer, axe_violations, sign_in
from tests.factories import make_conversation
from tests.fake_slack import clear_outbox

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ERROR = "SlackApiError: The server responded with: {'ok': False, 'error': 'channel_not_found'}"
# An error naming a URL is one long word; it must not widen the table past the page.
LONG_ERROR = (
    "HTTPConnectionPool(host='crm.example.org',port=443):Max_retries_exceeded_with_url:"
    "/crm/v3/objects/contacts/batch/upsert(Caused_by_NewConnectionError)"
)


def _write(
    session: Session, key: str, summary: str, conversation_id: int | None, error: str = ERROR
) -> int:
    alert = slack.Alert("New contact request", summary, [], None, "http://x", "Open")
    outbox.enqueue(
        session=session,
        channel=OutboxChannel.SLACK,
        payload=slack.render(alert),
        key=key,
        conversation_id=conversation_id,
    )
    return int(
        session.connection()
        .execute(
            update(OutboxEntry)
            .where(col(OutboxEntry.idempotency_key) == key)
            .values(attempts=7, last_error=error)
            .returning(col(OutboxEntry.id))
        )
        .scalar_one()
    )


@pytest.fixture
def refused(engine: Engine) -> Iterator[int]:
    """An alert Slack kept refusing (dead) and one still failing; returns the dead one's id."""
    clear_outbox(engine)
    with Session(engine) as session:
        conversation = make_conversation(session)
        dead = _write(session, "e2e:dead", "New contact request from Ada", conversation.id)
        failing = _write(session, "e2e:failing", "A visitor asked for a person", None, LONG_ERROR)
        session.connection().execute(
            update(OutboxEntry)
            .where(col(OutboxEntry.id).in_([dead, failing]))
            .values(status=OutboxStatus.FAILED)
        )
        session.connection().execute(
            update(OutboxEntry).where(col(OutboxEntry.id) == dead).values(status=OutboxStatus.DEAD)
        )
        session.commit()
    yield dead
    clear_outbox(engine)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_owner_sees_a_refused_alert_and_sends_it_again(
    page: Page, admin: AdminServer, refused: int, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    sign_in(page, admin, admin.OWNER, "/outbox")
    given_up = page.get_by_role("region", name="Given up")
    expect(given_up.get_by_role("rowheader", name="New contact request from Ada")).to_be_visible()
    expect(given_up.get_by_text("channel_not_found")).to_be_visible()
    failing = page.get_by_role("region", name="Failing, retried automatically")
    expect(failing.get_by_role("rowheader", name="A visitor asked for a person")).to_be_visible()
    assert axe_violations(page) == []

    given_up.get_by_role("button", name=f"Retry alert {refused}").click()

    expect(page.get_by_role("status")).to_have_text(f"Alert {refused} will be sent again shortly.")
    expect(given_up.get_by_text("Nothing given up.")).to_be_visible()
    waiting = page.get_by_role("region", name="Waiting to be sent")
    expect(waiting.get_by_role("rowheader", name="New contact request from Ada")).to_be_visible()
    expect(
        waiting.get_by_role("link", name=f"Open the conversation of alert {refused}")
    ).to_be_visible()
    assert axe_violations(page) == []


def test_wide_tables_fit_a_desktop_and_scroll_from_the_keyboard_on_a_phone(
    page: Page, admin: AdminServer, refused: int
) -> None:
    sign_in(page, admin, admin.OWNER, "/outbox")
    failing = page.get_by_role("region", name="Failing, retried automatically")
    expect(failing.get_by_text("batch/upsert", exact=False)).to_be_visible()
    table = failing.get_by_role("group", name="Failing, retried automatically")
    assert table.evaluate("v => v.scrollWidth <= v.clientWidth"), "the table is wider than the page"

    page.set_viewport_size({"width": 390, "height": 800})
    # The navigation is a band above the page, which keeps the screen's width.
    nav = page.get_by_role("navigation", name="Main").bounding_box()
    heading = page.get_by_role("heading", name="Outbox", exact=True).bounding_box()
    assert nav is not None and heading is not None
    assert heading["y"] >= nav["y"] + nav["height"]
    # The table is wider than a phone: its viewport takes the focus and arrow keys scroll it.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.rt-ScrollAreaViewport')]"
        ".some(v => v.scrollWidth > v.clientWidth)"
    )
    table.focus()
    expect(table).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("v => v.scrollLeft > 0", arg=table.element_handle())
    assert axe_violations(page) == []
