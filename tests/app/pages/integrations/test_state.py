"""The integrations page as an owner uses it: each channel says whether it is set up and what
it is sent, and Send test shows the service's answer (here Slack's, from a local server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.pages.integrations.state import IntegrationsState
from core.models.users import UserRole
from core.settings import get_settings
from tests.app.test_session_state import call, people, state_of
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack

__all__ = ["people"]  # the fixture, shared with the permission tests


@pytest.fixture
def slack_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    live = get_settings()
    monkeypatch.setattr(live, "SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setattr(live, "SLACK_CHANNEL", CHANNEL)
    monkeypatch.setattr(live, "SLACK_API_URL", fake.url)
    yield fake
    fake.stop()


def test_an_owner_sees_each_channel_and_tests_slack(
    people: dict[str, str], slack_server: FakeSlack
) -> None:
    page = state_of(IntegrationsState, token=people[UserRole.OWNER])
    call(page, "load")
    states = {c["key"]: c["status"] for c in page.channels}
    assert states["slack"] == "Set up"
    assert states["hubspot"] == "Not set up: set HUBSPOT_ACCESS_TOKEN"
    assert page.events_url.endswith("/api/slack/events") and not page.replies_on

    call(page, "test", "slack")
    assert page.outcomes["slack"] == "ok"
    assert page.results["slack"].startswith(f"Slack posted the test message to {CHANNEL}")
    assert len(slack_server.posts) == 1

    call(page, "test", "hubspot")
    assert page.outcomes["hubspot"] == "failed"
    assert page.results["hubspot"] == "Set HUBSPOT_ACCESS_TOKEN first."
