"""The Integrations page in Chromium: each channel shows what it is sent and whether it is set
up; Send test answers in a status message (here: what to set first), and axe passes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AdminServer, axe_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_an_owner_tests_a_channel_from_the_integrations_page(
    page: Page, admin: AdminServer
) -> None:
    sign_in(page, admin, admin.OWNER, "/integrations")
    hubspot = page.get_by_role("region", name="HubSpot")
    expect(hubspot).to_contain_text("Contact requests, as contacts with the chat as a note")
    expect(hubspot).to_contain_text("Not set up: set HUBSPOT_ACCESS_TOKEN")
    hubspot.get_by_role("button", name="Send test to HubSpot").click()
    expect(hubspot.get_by_role("status")).to_have_text("Set HUBSPOT_ACCESS_TOKEN first.")
    assert axe_violations(page) == []
