"""The integrations' configuration in force: a value the owner saved on the Integrations page
replaces the environment's and clearing it brings the environment's back; what the settings
refuse is refused with their words and saves nothing; and the jobs runner, already running,
delivers with a token saved after it started."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from core.crud.audit import Actor
from core.integrations import config, outbox, slack
from core.jobs import tasks
from core.models import AuditEntry, OutboxChannel, OutboxEntry, OutboxStatus
from core.models.audit import AuditAction
from core.settings import Settings
from tests.factories import save_integration_settings
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack

pytestmark = pytest.mark.usefixtures("nothing_saved")


def test_a_saved_value_replaces_the_environments_until_it_is_cleared(
    engine: Engine, settings: Settings
) -> None:
    environment = settings.model_copy(update={"SLACK_CHANNEL": "C0FROMENV"})
    save_integration_settings(engine, environment, SLACK_CHANNEL="C0SAVED", SMTP_PORT="2525")
    with Session(engine) as session:
        now = config.effective(session=session, settings=environment)
    assert (now.SLACK_CHANNEL, now.SMTP_PORT) == ("C0SAVED", 2525)
    assert now.CHAT_PUBLIC_URL == environment.CHAT_PUBLIC_URL  # the rest as it was

    save_integration_settings(engine, environment, SLACK_CHANNEL=None)
    assert config.current(engine=engine, settings=environment).SLACK_CHANNEL == "C0FROMENV"


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"ALERT_SMS_TO": "12"}, "ALERT_SMS_TO: "),
        ({"MAIL_FROM": "x", "REPORT_EMAIL_TO": "boss@"}, "REPORT_EMAIL_TO: 'boss@' is not an"),
        ({"SALESFORCE_LOGIN_URL": "https://acme.my.salesforce.com"}, "Salesforce needs"),
        (
            {
                "SALESFORCE_LOGIN_URL": "http://acme.my.salesforce.com",
                "SALESFORCE_CLIENT_ID": "id",
                "SALESFORCE_CLIENT_SECRET": "secret",
            },
            "SALESFORCE_LOGIN_URL must start with https://",
        ),
        ({"SMTP_PORT": "70000"}, "SMTP_PORT: Input should be less than or equal to 65535"),
        ({"HUBSPOT_FIELD_MAP": '{"fax": "fax"}'}, "HUBSPOT_FIELD_MAP: 'fax' is not one of"),
        ({"ADMIN_PASSWORD": "x"}, "ADMIN_PASSWORD cannot be set here"),
    ],
)
def test_a_value_the_settings_refuse_saves_nothing(
    engine: Engine, settings: Settings, values: dict[str, str], said: str
) -> None:
    with Session(engine) as session:
        logged = session.exec(select(func.count()).select_from(AuditEntry)).one()
        with pytest.raises(config.ConfigError, match=said):
            config.save(
                session=session,
                settings=settings,
                changes=values,
                actor=Actor("owner@example.com"),
                channel="test",
            )
        session.commit()
    with Session(engine) as session:
        assert config.stored(session=session) == {}
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == logged


def test_the_running_jobs_runner_delivers_with_a_token_saved_after_it_started(
    engine: Engine, settings: Settings, db: Engine, slack_server: FakeSlack
) -> None:
    running = settings.model_copy(
        update={
            "SLACK_API_URL": slack_server.url,
            "SLACK_BOT_TOKEN": None,
            "SLACK_CHANNEL": None,
            "OUTBOX_BACKOFF_BASE_SECONDS": 0.001,
            "OUTBOX_BACKOFF_MAX_SECONDS": 0.002,
        }
    )
    with Session(engine) as session:
        alert = slack.Alert(
            "A visitor is waiting", "A visitor is waiting", [], None, "http://x/inbox", "Open"
        )
        outbox.enqueue(
            session=session,
            channel=OutboxChannel.SLACK,
            payload=slack.render(alert),
            key="slack:test:saved-token",
        )
        session.commit()
    assert tasks.drain_outbox(engine=engine, settings=running).failed == 1  # no token yet

    save_integration_settings(engine, running, SLACK_BOT_TOKEN=TOKEN, SLACK_CHANNEL=CHANNEL)
    for _ in range(200):
        if tasks.drain_outbox(engine=engine, settings=running).delivered:
            break
    assert [(p.authorization, p.body["channel"]) for p in slack_server.posts] == [
        (f"Bearer {TOKEN}", CHANNEL)
    ]
    with Session(engine) as session:
        entry = session.exec(
            select(OutboxEntry).where(col(OutboxEntry.idempotency_key) == "slack:test:saved-token")
        ).one()
        assert entry.status == OutboxStatus.DELIVERED
        [logged] = session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.action) == AuditAction.INTEGRATION_CHANGE)
            .order_by(col(AuditEntry.id).desc())
            .limit(1)
        ).all()
    assert logged.details == {"channel": "test", "fields": ["SLACK_BOT_TOKEN", "SLACK_CHANNEL"]}
