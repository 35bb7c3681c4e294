"""The integrations page as an owner uses it: each channel says whether it is set up and what
it is sent; credentials saved on the page are used at once (Send test reaches the local Slack
server with the saved token), a secret is never sent back to the browser, a value the settings
refuse changes nothing, each change is in the audit log by name only, and Clear goes back to the
server's setting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from app.pages.integrations.state import IntegrationsState
from core.integrations import config
from core.models import AuditEntry, IntegrationSetting
from core.models.audit import AuditAction
from core.models.users import UserRole
from core.settings import get_settings
from tests.app.test_session_state import call, people, state_of
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack

__all__ = ["people"]  # the fixture, shared with the permission tests


def forget_saved(engine: Engine) -> None:
    with Session(engine) as session:
        session.exec(delete(IntegrationSetting))
        session.commit()
    config.forget()


@pytest.fixture
def slack_server(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A local Slack server the admin's Slack client talks to; no Slack token or channel in the
    server's settings, nothing saved on the page."""
    fake = FakeSlack().start()
    live = get_settings()
    monkeypatch.setattr(live, "SLACK_BOT_TOKEN", None)
    monkeypatch.setattr(live, "SLACK_CHANNEL", None)
    monkeypatch.setattr(live, "SLACK_API_URL", fake.url)
    forget_saved(engine)
    yield fake
    fake.stop()
    forget_saved(engine)


def test_an_owner_saves_a_slack_token_sees_it_masked_and_send_test_uses_it(
    engine: Engine, people: dict[str, str], slack_server: FakeSlack
) -> None:
    page = state_of(IntegrationsState, token=people[UserRole.OWNER])
    call(page, "load")
    assert page.status["slack"] == "Not set up: set SLACK_BOT_TOKEN, SLACK_CHANNEL"
    assert page.status["hubspot"] == "Not set up: set HUBSPOT_ACCESS_TOKEN"
    assert page.secrets["SLACK_BOT_TOKEN"] == "not set"
    assert page.events_url.endswith("/api/slack/events") and not page.replies_on

    call(page, "set_value", "SLACK_BOT_TOKEN", TOKEN)
    call(page, "set_value", "SLACK_CHANNEL", CHANNEL)
    call(page, "save", "slack")
    assert page.notes["slack"] == "Saved: SLACK_BOT_TOKEN, SLACK_CHANNEL."
    assert page.status["slack"] == "Set up"
    # The token is not in anything the browser is sent: only its last four characters.
    assert page.secrets["SLACK_BOT_TOKEN"] == f"set, ending …{TOKEN[-4:]} (saved here)"
    assert TOKEN not in str(page.dict())
    assert page.values["SLACK_CHANNEL"] == CHANNEL and page.saved_here["SLACK_BOT_TOKEN"]

    call(page, "test", "slack")
    assert page.outcomes["slack"] == "ok", page.results["slack"]
    assert page.results["slack"].startswith(f"Slack posted the test message to {CHANNEL}")
    assert [p.authorization for p in slack_server.posts] == [f"Bearer {TOKEN}"]

    # Saving again with the secret's field left empty keeps the token.
    call(page, "set_value", "SLACK_CHANNEL", "C0OTHER")
    call(page, "save", "slack")
    assert page.notes["slack"] == "Saved: SLACK_CHANNEL."
    with Session(engine) as session:
        assert config.stored(session=session)["SLACK_BOT_TOKEN"] == TOKEN
        raw = session.connection().exec_driver_sql(
            "SELECT value FROM integrationsetting WHERE name = 'SLACK_BOT_TOKEN'"
        )
        assert TOKEN not in raw.scalar_one()  # encrypted at rest
        logged = session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.action) == AuditAction.INTEGRATION_CHANGE)
            .order_by(col(AuditEntry.id).desc())
            .limit(2)
        ).all()
    assert [e.details for e in logged] == [
        {"channel": "slack", "fields": ["SLACK_CHANNEL"]},
        {"channel": "slack", "fields": ["SLACK_BOT_TOKEN", "SLACK_CHANNEL"]},
    ]
    assert all(TOKEN not in str(e.details) for e in logged)

    # Clear: the server's setting (none here) applies again.
    call(page, "clear", "slack", "SLACK_BOT_TOKEN")
    assert page.secrets["SLACK_BOT_TOKEN"] == "not set"
    assert page.status["slack"] == "Not set up: set SLACK_BOT_TOKEN"


def test_a_value_the_settings_refuse_is_explained_and_changes_nothing(
    engine: Engine, people: dict[str, str], slack_server: FakeSlack
) -> None:
    page = state_of(IntegrationsState, token=people[UserRole.OWNER])
    call(page, "load")
    call(page, "set_value", "ALERT_SMS_TO", "call me maybe")
    call(page, "set_value", "TWILIO_ACCOUNT_SID", "AC123")
    call(page, "save", "sms")
    assert page.refused["sms"]
    assert page.notes["sms"].startswith("Not saved: ALERT_SMS_TO: ")
    call(page, "set_value", "SALESFORCE_LOGIN_URL", "http://acme.my.salesforce.com")
    call(page, "save", "salesforce")
    assert (
        "Salesforce needs SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET"
        in (page.notes["salesforce"])
    )
    call(page, "set_value", "REPORT_EMAIL_TO", "boss@example.com, not an address")
    call(page, "save", "email")
    assert "'not an address' is not an e-mail address" in page.notes["email"]
    with Session(engine) as session:
        assert config.stored(session=session) == {}

    call(page, "set_value", "ALERT_SMS_TO", "+1 415 555 2671")
    call(page, "save", "sms")
    assert not page.refused["sms"]
    assert page.values["ALERT_SMS_TO"] == "+1 415 555 2671"  # as typed; used as +14155552671
    with Session(engine) as session:
        assert config.effective(session=session, settings=get_settings()).ALERT_SMS_TO == (
            "+14155552671"
        )


def test_an_owner_maps_crm_fields_and_a_wrong_mapping_is_refused(
    engine: Engine, people: dict[str, str], slack_server: FakeSlack
) -> None:
    page = state_of(IntegrationsState, token=people[UserRole.OWNER])
    call(page, "load")
    assert page.maps["hubspot:phone"] == "phone" and page.maps["hubspot:summary"] == ""
    call(page, "set_map", "hubspot:language", "hs_language")
    call(page, "set_map", "hubspot:page", "phone")
    call(page, "save_map", "hubspot")
    assert page.notes["hubspot-map"] == (
        "Not saved: HUBSPOT_FIELD_MAP: Phone and Page the chat started on both go to "
        "HubSpot's phone"
    )
    call(page, "set_map", "hubspot:page", "")
    call(page, "save_map", "hubspot")
    assert page.notes["hubspot-map"] == "Saved: HUBSPOT_FIELD_MAP."
    with Session(engine) as session:
        now = config.effective(session=session, settings=get_settings())
    assert now.HUBSPOT_FIELD_MAP["language"] == "hs_language"

    call(page, "reset_map", "hubspot")
    assert page.maps["hubspot:language"] == ""
