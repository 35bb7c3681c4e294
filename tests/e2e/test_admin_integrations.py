"""The Integrations page in Chromium: each channel shows what it is sent and whether it is set
up; an owner saves a Slack token and channel in the page's form, sees the token only as its last
characters, and Send test reaches the local Slack server with it; Send test to a channel not set
up says what to set first; axe passes with the form open, in the light and the dark theme."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from tests.e2e.conftest import AdminServer, axe_violations, sign_in
from tests.factories import forget_integration_settings
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_an_owner_saves_a_slack_token_and_tests_it_from_the_integrations_page(
    page: Page, admin: AdminServer, engine: Engine
) -> None:
    slack = FakeSlack(port=AdminServer.SLACK_PORT).start()
    forget_integration_settings(engine)
    try:
        sign_in(page, admin, admin.OWNER, "/integrations")
        hubspot = page.get_by_role("region", name="HubSpot")
        expect(hubspot).to_contain_text("Contact requests, as contacts with the chat as a note")
        expect(hubspot).to_contain_text("Not set up: set HUBSPOT_ACCESS_TOKEN")
        hubspot.get_by_role("button", name="Send test to HubSpot").click()
        expect(hubspot.get_by_role("status")).to_have_text("Set HUBSPOT_ACCESS_TOKEN first.")

        region = page.get_by_role("region", name="Slack", exact=True)
        expect(region).to_contain_text("Not set up: set SLACK_BOT_TOKEN, SLACK_CHANNEL")
        region.get_by_text("Slack settings", exact=True).click()
        region.get_by_label("Bot token (xoxb-…)").fill(TOKEN)
        region.get_by_label("Channel id").fill(CHANNEL)
        region.get_by_role("button", name="Save Slack settings").click()
        expect(region.get_by_role("status")).to_have_text("Saved: SLACK_BOT_TOKEN, SLACK_CHANNEL.")
        expect(region).to_contain_text("State: Set up")
        expect(region).to_contain_text(f"set, ending …{TOKEN[-4:]} (saved here)")
        expect(region.get_by_role("textbox", name="Bot token (xoxb-…)")).to_have_value("")
        assert TOKEN not in page.content()  # the browser never holds the token
        assert axe_violations(page) == []

        region.get_by_role("button", name="Send test to Slack").click()
        expect(region.get_by_role("status").last).to_contain_text(
            f"Slack posted the test message to {CHANNEL}"
        )
        assert [p.authorization for p in slack.posts] == [f"Bearer {TOKEN}"]
        page.emulate_media(color_scheme="dark")  # the admin follows the system theme
        assert axe_violations(page) == []
    finally:
        forget_integration_settings(engine)
        slack.stop()
