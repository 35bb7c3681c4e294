"""Contact requests in the admin: listed newest first with links to reach the visitor, and shown
beside the conversation they were left from."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from core.crud import contacts
from core.db import session_scope
from core.models import ContactRequestCreate
from tests.e2e.conftest import AdminServer, sign_in
from tests.factories import make_conversation

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_contact_requests_are_listed_and_shown_with_their_conversation(
    page: Page, admin: AdminServer, engine: Engine
) -> None:
    name = f"Grace {uuid.uuid4().hex[:6]}"
    email = f"{name.split()[1]}@example.org"
    with session_scope(engine) as session:
        conversation = make_conversation(session, ("visitor", "Can someone call me back?"))
        public_id = conversation.public_id
        contacts.create_contact_request(
            session=session,
            contact_in=ContactRequestCreate(
                name=name, email=email, phone="+1 902 555-0142", message="About my wheel\nthanks"
            ),
            conversation_id=conversation.id,
        )
    sign_in(page, admin, admin.AGENT, "/contacts")  # agents see them too
    expect(page.get_by_role("heading", name="Contact requests", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
    expect(row.get_by_role("link", name=email)).to_have_attribute("href", f"mailto:{email}")
    expect(row.get_by_role("link", name="+1 902 555-0142")).to_have_attribute(
        "href", "tel:+19025550142"
    )
    expect(row).to_contain_text("About my wheel")
    expect(row).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    # Newest first: the request just left is the first row.
    expect(page.locator("[data-contact]").first).to_contain_text(name)

    row.get_by_role("link", name=re.compile("^Open in inbox")).click()
    page.wait_for_url(re.compile(rf"/inbox/?\?c={public_id}$"))
    conversation_panel = page.get_by_role("region", name="Conversation")
    expect(conversation_panel.get_by_role("heading", name=name)).to_be_visible()
    card = conversation_panel.locator(".contact-request")
    expect(card.get_by_role("link", name=email)).to_have_attribute("href", f"mailto:{email}")
    expect(card.get_by_role("link", name="+1 902 555-0142")).to_be_visible()
    expect(card).to_contain_text("About my wheel")
