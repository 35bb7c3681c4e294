from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from core.settings import Settings
from tests.factories import forget_integration_settings
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack, clear_outbox


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The test database with an empty outbox, emptied again afterwards."""
    clear_outbox(engine)
    yield engine
    clear_outbox(engine)


@pytest.fixture
def slack_server() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def slack_settings(settings: Settings, slack_server: FakeSlack) -> Settings:
    """Settings that send Slack alerts to the local server, retrying at once after a failure."""
    return settings.model_copy(
        update={
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_CHANNEL": CHANNEL,
            "SLACK_API_URL": slack_server.url,
            "OUTBOX_BACKOFF_BASE_SECONDS": 0.001,
            "OUTBOX_BACKOFF_MAX_SECONDS": 0.002,
        }
    )


@pytest.fixture
def nothing_saved(engine: Engine) -> Iterator[Engine]:
    """Nothing saved on the Integrations page before or after the test."""
    forget_integration_settings(engine)
    yield engine
    forget_integration_settings(engine)
