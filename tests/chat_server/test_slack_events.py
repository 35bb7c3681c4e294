"""Agents answer visitors from Slack: a reply in the thread of a hand-over alert, posted by
Slack's Events API with a valid signature, reaches the visitor as the agent's reply (the
conversation taken over from the bot, the reply marked ✅ in Slack, the takeover in the audit
log) once, however often Slack sends it; unsigned, wrongly signed or stale requests are
refused, and what is not a reply to an alert is left alone."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from core.crud import audit
from core.integrations import slack
from core.jobs import tasks
from core.models.audit import AuditAction
from core.settings import Settings
from tests.conftest import Visit
from tests.factories import forget_integration_settings, save_integration_settings
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack, clear_outbox

pytestmark = pytest.mark.slow

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
AGENT = "U042MAYA"


@pytest.fixture
def slack_server(engine: Engine) -> Iterator[FakeSlack]:
    clear_outbox(engine)
    fake = FakeSlack(people={AGENT: "Maya Patel"}).start()
    yield fake
    fake.stop()
    clear_outbox(engine)


@pytest.fixture
def listening(
    client: TestClient, settings: Settings, slack_server: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    for configured in (settings, client.app.state.chat.settings):  # type: ignore[attr-defined]
        monkeypatch.setattr(configured, "SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setattr(configured, "SLACK_CHANNEL", CHANNEL)
        monkeypatch.setattr(configured, "SLACK_API_URL", slack_server.url)
        monkeypatch.setattr(configured, "SLACK_SIGNING_SECRET", SECRET)
    return settings


def post_event(
    client: TestClient, body: dict[str, Any], *, secret: str = SECRET, age: int = 0
) -> Any:
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=raw)
    return client.post(
        "/api/slack/events",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or "",
        },
    )


def thread_reply(
    thread_ts: str, text: str, *, ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    reply_ts = ts or f"{float(thread_ts) + 5:.6f}"
    event = {
        "type": "message",
        "channel": CHANNEL,
        "user": AGENT,
        "text": text,
        "ts": reply_ts,
        "thread_ts": thread_ts,
    } | extra
    return {"type": "event_callback", "event_id": f"Ev{reply_ts}", "event": event}


def handed_over(
    client: TestClient, engine: Engine, settings: Settings, slack_server: FakeSlack
) -> tuple[Visit, str]:
    """A visitor who asked for a person, and the ts of the alert about them in Slack."""
    visit = Visit(client)
    assert visit.say("Talk to a person")["reply"]["kind"] == "handover"  # type: ignore[index]
    tasks.drain_outbox(engine=engine, settings=settings)
    [alert] = slack_server.posts
    assert alert.body["metadata"]["event_payload"]["conversation"] == visit.cid
    return visit, alert.ts


def agent_messages(visit: Visit) -> list[str]:
    return [str(m["text"]) for m in visit.history() if m["role"] == "agent"]


def test_a_reply_in_the_alerts_thread_reaches_the_visitor_once(
    client: TestClient, engine: Engine, slack_server: FakeSlack, listening: Settings
) -> None:
    visit, alert_ts = handed_over(client, engine, listening, slack_server)
    event = thread_reply(
        alert_ts, "Hi, I'm Maya &amp; I can help: <https://example.org/fix|our repair page>"
    )
    answer = post_event(client, event)
    assert answer.status_code == 200 and answer.json() == {"ok": True}

    said = "Hi, I'm Maya & I can help: our repair page (https://example.org/fix)"
    assert agent_messages(visit) == [said]
    notices = [m["text"] for m in visit.history() if m["role"] == "system"]
    assert "An agent has joined the conversation." in notices  # the bot stopped answering
    assert slack_server.reactions == [
        {"channel": CHANNEL, "timestamp": event["event"]["ts"], "name": "white_check_mark"}
    ]
    with Session(engine) as session:
        [logged] = audit.recent_actions(session=session, limit=1, actions=[AuditAction.TAKEOVER])
    assert logged.actor == f"Maya Patel (Slack {AGENT})"

    # Slack sends the event again (no answer in time): stored once. A second reply is added.
    assert post_event(client, event).status_code == 200
    assert agent_messages(visit) == [said]
    assert (
        post_event(
            client, thread_reply(alert_ts, "Which wheel is it?", ts=f"{float(alert_ts) + 9:.6f}")
        ).status_code
        == 200
    )
    assert agent_messages(visit) == [said, "Which wheel is it?"]


def test_unsigned_wrongly_signed_or_stale_requests_are_refused(
    client: TestClient, engine: Engine, slack_server: FakeSlack, listening: Settings
) -> None:
    visit, alert_ts = handed_over(client, engine, listening, slack_server)
    event = thread_reply(alert_ts, "I am not Slack")
    assert post_event(client, event, secret="another secret").status_code == 403
    assert post_event(client, event, age=600).status_code == 403  # older than 5 minutes
    unsigned = client.post("/api/slack/events", json=event)
    assert unsigned.status_code == 403 and unsigned.json() == {"error": "Not signed by Slack"}
    bad_stamp = client.post(
        "/api/slack/events",
        json=event,
        headers={"X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠".encode(), "X-Slack-Signature": "v0=00"},
    )
    assert bad_stamp.status_code == 403
    assert agent_messages(visit) == []


def test_slacks_url_check_gets_its_challenge_back(client: TestClient, listening: Settings) -> None:
    answer = post_event(
        client,
        {
            "type": "url_verification",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "token": "x",
        },
    )
    assert answer.status_code == 200
    assert answer.json()["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


def test_what_is_not_a_reply_to_an_alert_is_left_alone(
    client: TestClient, engine: Engine, slack_server: FakeSlack, listening: Settings
) -> None:
    visit, alert_ts = handed_over(client, engine, listening, slack_server)
    for event in (
        thread_reply(alert_ts, "edited", subtype="message_changed"),
        thread_reply(alert_ts, "from a bot", bot_id="B01"),
        {
            "type": "event_callback",
            "event": {
                "type": "message",
                "channel": CHANNEL,
                "user": AGENT,
                "text": "new topic",
                "ts": "1.0",
            },
        },
        {"type": "event_callback", "event": {"type": "reaction_added", "user": AGENT}},
    ):
        assert post_event(client, event).status_code == 200
    # A thread under a message that is not an alert (a colleague's question).
    slack.client(listening).chat_postMessage(channel=CHANNEL, text="Lunch at noon?")
    other_ts = slack_server.posts[-1].ts
    assert post_event(client, thread_reply(other_ts, "sure")).status_code == 200
    assert agent_messages(visit) == []
    assert slack_server.reactions == []


def test_a_reply_about_a_conversation_no_longer_stored_is_answered_in_the_thread(
    client: TestClient, engine: Engine, slack_server: FakeSlack, listening: Settings
) -> None:
    alert = slack.render(
        slack.Alert("A visitor is waiting", "waiting", [], None, "http://x", "Open")
    )
    slack.post(settings=listening, payload=alert | {"conversation": "erased-conversation"}, key="k")
    alert_ts = slack_server.posts[-1].ts
    assert post_event(client, thread_reply(alert_ts, "Hello?")).status_code == 200
    answer = slack_server.posts[-1].body
    assert answer["thread_ts"] == alert_ts
    assert answer["text"] == "Not sent: this conversation is no longer stored (erased)."


def test_without_a_signing_secret_nothing_listens_until_the_owner_saves_one(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    check = {"type": "url_verification", "challenge": "c"}
    answer = client.post("/api/slack/events", json=check)
    assert answer.status_code == 404
    assert "SLACK_SIGNING_SECRET" in answer.json()["error"]

    # Saved on the Integrations page: the running server checks signatures with it.
    save_integration_settings(engine, settings, SLACK_SIGNING_SECRET=SECRET)
    try:
        assert post_event(client, check).json()["challenge"] == "c"
        assert post_event(client, check, secret="another secret").status_code == 403
    finally:
        forget_integration_settings(engine)
    assert post_event(client, check).status_code == 404
