"""The inbox says how long a visitor has waited for an answer, and keeps the figure current."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core.crud import handover
from core.db import session_scope
from core.models import Message
from core.models._types import utcnow
from tests.e2e.conftest import AdminServer, sign_in
from tests.factories import make_conversation

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_inbox_shows_how_long_a_visitor_has_waited_and_keeps_it_current(
    page: Page, admin: AdminServer, engine: Engine
) -> None:
    with session_scope(engine) as session:
        conversation = make_conversation(session, ("visitor", "Hello, anyone there?"))
        public_id = conversation.public_id
        handover.take_over(session=session, public_id=public_id, agent_name="Ada")
        asked = session.exec(
            select(Message).where(
                Message.conversation_id == conversation.id, col(Message.role) == "visitor"
            )
        ).one()
        asked.created_at = utcnow() - timedelta(seconds=50)
        session.add(asked)
    sign_in(page, admin, admin.AGENT, "/inbox")
    page.get_by_label("Search conversations").fill(public_id)
    row = page.locator(f"[data-conversation='{public_id}']")
    expect(row).to_contain_text("waiting < 1 min")
    # Nothing in the database changes: the page's own polling moves the figure on.
    expect(row).to_contain_text("waiting 1 min", timeout=20_000)

    with session_scope(engine) as session:
        handover.agent_reply(session=session, public_id=public_id, agent_name="Ada", text="Hi!")
    expect(row).to_contain_text("Agent: Hi!")
    expect(row).not_to_contain_text("waiting")
