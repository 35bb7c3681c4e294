"""The Integrations page's tests of each channel, against local servers speaking each
service's protocol: a channel set up right answers with what the service said (a Slack ts, a
Twilio SID, the SMTP server's acceptance, a CRM read), one set up wrong with the service's own
words, and one not set up names the settings missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.integrations import checks
from core.settings import Settings
from tests.fake_hubspot import FakeHubSpot
from tests.fake_salesforce import FakeSalesforce
from tests.fake_slack import CHANNEL, FakeSlack
from tests.fake_smtp import FakeSmtp
from tests.fake_twilio import FakeTwilio


@pytest.fixture
def services(tmp_path: Path) -> Iterator[dict[str, object]]:
    running = {
        "twilio": FakeTwilio().start(),
        "smtp": FakeSmtp().start(),
        "hubspot": FakeHubSpot().start(),
        "salesforce": FakeSalesforce(ca_file=tmp_path / "ca.pem").start(),
    }
    yield running
    for server in running.values():
        server.stop()  # type: ignore[attr-defined]


def test_every_channel_set_up_answers_with_what_the_service_said(
    slack_settings: Settings, slack_server: FakeSlack, services: dict[str, object]
) -> None:
    configured = slack_settings.model_copy(
        update={
            **services["twilio"].settings(),  # type: ignore[attr-defined]
            **services["smtp"].settings(),  # type: ignore[attr-defined]
            **services["hubspot"].settings(),  # type: ignore[attr-defined]
            **services["salesforce"].settings(),  # type: ignore[attr-defined]
            "REPORT_EMAIL_TO": ["owner@harbourside.example"],
        }
    )
    said = {c.key: checks.run(c.key, configured) for c in checks.CHANNELS}
    assert all(result.ok for result in said.values()), said
    assert said["slack"].said.startswith(f"Slack posted the test message to {CHANNEL} (ts ")
    assert slack_server.posts[-1].body["text"] == checks.TEST_TEXT
    assert said["sms"].said.startswith("Twilio queued the text to +447911123456: SM")
    assert said["email"].said == "127.0.0.1 accepted the test e-mail to owner@harbourside.example."
    assert services["smtp"].received[0]["Subject"] == "Test from CustomerAgent"  # type: ignore[attr-defined]
    assert said["hubspot"].said.startswith("HubSpot accepted the token")
    assert said["salesforce"].said.startswith("Salesforce signed in at 127.0.0.1:")
    assert services["salesforce"].records["Lead"] == {}  # type: ignore[attr-defined]


def test_a_channel_set_up_wrong_says_so_in_the_services_words(
    slack_settings: Settings, services: dict[str, object]
) -> None:
    wrong = slack_settings.model_copy(
        update={
            "SLACK_BOT_TOKEN": "xoxb-revoked",
            **services["hubspot"].settings(),  # type: ignore[attr-defined]
            "HUBSPOT_ACCESS_TOKEN": "pat-expired",
            **services["salesforce"].settings(),  # type: ignore[attr-defined]
            "SALESFORCE_CLIENT_SECRET": "an old secret",
        }
    )
    assert checks.run("slack", wrong) == checks.Result(
        False, "Slack answered: error 'invalid_auth'"
    )
    hubspot = checks.run("hubspot", wrong)
    assert not hubspot.ok and hubspot.said.startswith("HubSpot answered: 401")
    salesforce = checks.run("salesforce", wrong)
    assert not salesforce.ok and "invalid client credentials" in salesforce.said


def test_a_channel_not_set_up_names_what_to_set(settings: Settings) -> None:
    assert checks.run("sms", settings) == checks.Result(
        False, "Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, ALERT_SMS_TO first."
    )
    assert not checks.run("carrier-pigeon", settings).ok
