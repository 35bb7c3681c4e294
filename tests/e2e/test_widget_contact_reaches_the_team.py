"""A contact form sent in the widget reaches the team, in Chromium: the jobs runner's drain
posts the Slack alert to the local Slack server and upserts the contact, with the chat as a
note, on the local HubSpot server; the inbox then shows the request synced to HubSpot."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import contacts
from core.integrations import delivery
from core.integrations.channels import DELIVERERS
from core.settings import Settings
from tests.conftest import LiveServer, make_app
from tests.e2e.conftest import FIRST_ANSWER_MS, AdminServer, ask, open_panel, sign_in, visitor
from tests.e2e.test_widget import STILL_UNCLEAR, UNCLEAR
from tests.fake_hubspot import FakeHubSpot
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack, clear_outbox

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_contact_form_reaches_slack_and_hubspot_and_the_inbox_shows_the_sync(
    browser: Browser, engine: Engine, settings: Settings, admin: AdminServer
) -> None:
    clear_outbox(engine)
    slack, hubspot = FakeSlack().start(), FakeHubSpot().start()
    configured = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": CHANNEL,
        "SLACK_API_URL": slack.url,
        **hubspot.settings(),
    }
    try:
        with LiveServer(make_app(settings, **configured)) as server, visitor(browser) as page:
            open_panel(page, server.url)
            ask(page, UNCLEAR)
            expect(page.locator(".sc-quick-reply")).to_have_count(3, timeout=FIRST_ANSWER_MS)
            ask(page, STILL_UNCLEAR)
            page.locator(".sc-contact-open").click()
            form = page.locator(".sc-contact-form")
            form.locator("[name=name]").fill("Ada Lovelace")
            form.locator("[name=email]").fill("ada.contact@example.org")
            form.locator("[name=message]").fill("Please call me about a wheel rebuild")
            page.locator(".sc-contact-submit").click()
            expect(page.locator(".sc-contact-thanks")).to_be_visible()

        delivery.drain(
            engine=engine, settings=settings.model_copy(update=configured), deliverers=DELIVERERS
        )
        posted = [p.body["text"] for p in slack.posts]
        assert (
            "New contact request from Ada Lovelace: Please call me about a wheel rebuild" in posted
        )
        contact = hubspot.contacts["ada.contact@example.org"]["properties"]
        assert (contact["firstname"], contact["lastname"]) == ("Ada", "Lovelace")
        [note] = hubspot.notes
        body = note["properties"]["hs_note_body"]
        assert (
            "Please call me about a wheel rebuild" in body and f"First question: {UNCLEAR}" in body
        )

        # The agent sees beside the request in the inbox that HubSpot has the contact.
        with Session(engine) as session:
            [conversation] = [
                row.conversation_public_id
                for row in contacts.list_contact_requests(session=session)
                if row.email == "ada.contact@example.org"
            ]
        with browser.new_context() as context:
            agent = context.new_page()
            sign_in(agent, admin, admin.AGENT, f"/inbox?c={conversation}")
            synced = agent.locator(".contact-request [data-crm=hubspot]")
            expect(synced).to_contain_text("synced")
            expect(synced).to_contain_text(
                f"as contact {hubspot.contacts['ada.contact@example.org']['id']}"
            )
    finally:
        slack.stop()
        hubspot.stop()
        clear_outbox(engine)
