"""The daily Slack digest: yesterday's figures on the business's clock, once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import session_scope
from core.integrations import digest
from core.models import OutboxEntry
from core.settings import Settings
from tests.core.integrations.test_delivery import drain
from tests.factories import make_conversation
from tests.fake_slack import FakeSlack

# The demo business keeps Atlantic time (UTC-4 in December).
MORNING = datetime(2031, 12, 10, 12, 30, tzinfo=UTC)  # 08:30 there, the day after 9 December


def digests(engine: Engine) -> list[OutboxEntry]:
    with Session(engine) as session:
        query = select(OutboxEntry).where(
            col(OutboxEntry.idempotency_key).startswith("slack:digest:")
        )
        return list(session.exec(query).all())


def post(engine: Engine, settings: Settings, now: datetime) -> bool:
    with session_scope(engine) as session:
        return digest.post_daily_digest(session=session, settings=settings, now=now)


def test_yesterdays_digest_is_posted_once_after_the_hour(
    db: Engine, slack_settings: Settings, slack_server: FakeSlack
) -> None:
    with session_scope(db) as session:
        conversation = make_conversation(session)
        conversation.created_at = MORNING - timedelta(days=1)  # on 9 December, local time
        session.add(conversation)

    assert not post(db, slack_settings, MORNING - timedelta(hours=1))  # 07:30: too early
    assert post(db, slack_settings, MORNING)
    assert not post(db, slack_settings, MORNING + timedelta(hours=1))  # once a day
    [entry] = digests(db)
    assert entry.idempotency_key == "slack:digest:2031-12-09"

    drain(db, slack_settings)
    [posted] = [p for p in slack_server.posts if p.key == "slack:digest:2031-12-09"]
    header = posted.body["blocks"][0]["text"]["text"]
    assert header == "Harbourside Bikes on Tuesday 9 December"
    fields = [f["text"] for f in posted.body["blocks"][1]["fields"]]
    assert fields[0] == "*Conversations*\n1"
    assert [f.split("\n")[0] for f in fields] == [
        "*Conversations*",
        "*Resolved by the bot*",
        "*Handed to a person*",
        "*Satisfaction*",
        "*First response (median)*",
        "*Contact requests*",
    ]


def test_no_digest_without_slack_or_with_the_digest_off(db: Engine, settings: Settings) -> None:
    assert not post(db, settings, MORNING)  # Slack not configured
    off = settings.model_copy(
        update={"SLACK_BOT_TOKEN": "x", "SLACK_CHANNEL": "C1", "SLACK_DIGEST_HOUR": None}
    )
    assert not post(db, off, MORNING)
    assert digests(db) == []
