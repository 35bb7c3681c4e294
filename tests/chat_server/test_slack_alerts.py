"""What the team sees in Slack when a visitor sends the contact form or asks for a person in the
widget: the chat API writes the alert, the jobs runner's drain delivers it to a local Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from core.jobs import tasks
from core.settings import Settings
from tests.conftest import Visit
from tests.fake_slack import CHANNEL, TOKEN, FakeSlack, clear_outbox

pytestmark = pytest.mark.slow


@pytest.fixture
def slack_server(engine: Engine) -> Iterator[FakeSlack]:
    clear_outbox(engine)
    fake = FakeSlack().start()
    yield fake
    fake.stop()
    clear_outbox(engine)


@pytest.fixture
def alerting(
    client: TestClient, settings: Settings, slack_server: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Slack configured for the chat server and for the bot's turns (which read get_settings())."""
    for configured in (settings, client.app.state.chat.settings):  # type: ignore[attr-defined]
        monkeypatch.setattr(configured, "SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setattr(configured, "SLACK_CHANNEL", CHANNEL)
        monkeypatch.setattr(configured, "SLACK_API_URL", slack_server.url)
    return settings


def test_a_contact_form_from_a_chat_reaches_slack_with_a_link_to_it(
    client: TestClient, engine: Engine, slack_server: FakeSlack, alerting: Settings
) -> None:
    visit = Visit(client)
    response = client.post(
        "/api/contact",
        json={
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "message": "Please call me about <my order> & the refund",
            "conversation_id": visit.cid,
        },
        headers=visit.headers,
    )
    assert response.status_code == 201, response.text

    assert tasks.drain_outbox(engine=engine, settings=alerting).delivered == 1
    [post] = slack_server.posts
    assert post.body["channel"] == CHANNEL
    assert post.key == f"slack:contact:{response.json()['id']}"
    assert post.body["text"].startswith("New contact request from Grace Hopper")
    blocks = post.body["blocks"]
    assert [f["text"] for f in blocks[1]["fields"]] == [
        "*Name*\nGrace Hopper",
        "*E-mail*\ngrace@example.com",
    ]
    assert blocks[2]["text"]["text"] == "> Please call me about &lt;my order&gt; &amp; the refund"
    [button] = blocks[3]["elements"]
    assert button["url"] == f"{alerting.ADMIN_PUBLIC_URL}/inbox?c={visit.cid}"


def test_a_contact_form_without_a_chat_links_to_the_contact_requests(
    client: TestClient, engine: Engine, slack_server: FakeSlack, alerting: Settings
) -> None:
    response = client.post(
        "/api/contact",
        json={"name": "Alan", "email": "alan@example.com", "message": "Call me"},
    )
    assert response.status_code == 201, response.text

    tasks.drain_outbox(engine=engine, settings=alerting)
    [post] = slack_server.posts
    assert post.body["blocks"][-1]["elements"][0]["url"] == f"{alerting.ADMIN_PUBLIC_URL}/contacts"


def test_asking_for_a_person_alerts_the_team_once(
    client: TestClient, engine: Engine, slack_server: FakeSlack, alerting: Settings
) -> None:
    visit = Visit(client)
    reply = visit.say("Talk to a person")
    assert reply["reply"]["kind"] == "handover"  # type: ignore[index]
    visit.say("what are your opening hours?")

    tasks.drain_outbox(engine=engine, settings=alerting)
    [post] = slack_server.posts
    assert post.body["text"] == "A visitor asked for a person: Talk to a person"
    assert post.body["blocks"][-1]["elements"][0]["url"].endswith(f"/inbox?c={visit.cid}")


def test_without_slack_settings_no_alert_is_written(
    client: TestClient, engine: Engine, slack_server: FakeSlack, settings: Settings
) -> None:
    visit = Visit(client)
    visit.say("Talk to a person")
    response = client.post(
        "/api/contact",
        json={
            "name": "Ada",
            "email": "ada@example.com",
            "message": "Hi",
            "conversation_id": visit.cid,
        },
        headers=visit.headers,
    )
    assert response.status_code == 201
    slack_on = settings.model_copy(
        update={
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_CHANNEL": CHANNEL,
            "SLACK_API_URL": slack_server.url,
        }
    )
    assert tasks.drain_outbox(engine=engine, settings=slack_on).delivered == 0
    assert slack_server.posts == []
