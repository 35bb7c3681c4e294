"""A contact form sent in the widget reaches the business's HubSpot: the contact upserted by
e-mail with the chat's summary as a note, delivered by the jobs runner's drain to a local
server speaking HubSpot's CRM API through hubspot-api-client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from core.integrations import delivery
from core.integrations.channels import DELIVERERS
from core.jobs import tasks
from core.models._types import utcnow
from core.settings import Settings
from tests.conftest import Visit
from tests.fake_hubspot import FakeHubSpot
from tests.fake_slack import clear_outbox

pytestmark = pytest.mark.slow


@pytest.fixture
def hubspot(engine: Engine) -> Iterator[FakeHubSpot]:
    clear_outbox(engine)
    fake = FakeHubSpot().start()
    yield fake
    fake.stop()
    clear_outbox(engine)


@pytest.fixture
def syncing(
    client: TestClient, settings: Settings, hubspot: FakeHubSpot, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    for configured in (settings, client.app.state.chat.settings):  # type: ignore[attr-defined]
        for name, value in hubspot.settings().items():
            monkeypatch.setattr(configured, name, value)
        monkeypatch.setattr(configured, "OUTBOX_BACKOFF_BASE_SECONDS", 0.001)
        monkeypatch.setattr(configured, "OUTBOX_BACKOFF_MAX_SECONDS", 0.002)
    return settings


def send_form(client: TestClient, visit: Visit, email: str, message: str) -> int:
    response = client.post(
        "/api/contact",
        json={
            "name": "Grace Brewster Hopper",
            "email": email,
            "phone": "+1 415 555 2671",
            "message": message,
            "conversation_id": visit.cid,
        },
        headers=visit.headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_contact_request_becomes_a_hubspot_contact_with_the_chat_as_a_note(
    client: TestClient, engine: Engine, hubspot: FakeHubSpot, syncing: Settings
) -> None:
    visit = Visit(client)
    visit.say("do you fix hydraulic brakes")
    send_form(client, visit, "grace@example.com", "Please call me about my brakes")
    hubspot.fail_first = 1  # HubSpot has a hiccup: tried again, delivered once
    for _ in range(200):
        if tasks.drain_outbox(engine=engine, settings=syncing).delivered:
            break

    contact = hubspot.contacts["grace@example.com"]["properties"]
    assert contact == {
        "email": "grace@example.com",
        "firstname": "Grace",
        "lastname": "Brewster Hopper",
        "phone": "+1 415 555 2671",
    }
    [note] = hubspot.notes
    body = note["properties"]["hs_note_body"]
    assert body.startswith("Contact request from the website chat: Please call me about my brakes")
    assert "First question: do you fix hydraulic brakes" in body
    assert f"/inbox?c={visit.cid}" in body
    assert note["associations"][0]["to"]["id"] == hubspot.contacts["grace@example.com"]["id"]
    assert note["associations"][0]["types"][0]["associationTypeId"] == 202

    # A second request from the same person updates the one contact and adds a second note.
    send_form(client, visit, "Grace@Example.com", "Still waiting for that call")
    tasks.drain_outbox(engine=engine, settings=syncing)
    assert list(hubspot.contacts) == ["grace@example.com"]
    assert len(hubspot.notes) == 2


def test_a_note_added_by_a_runner_that_died_is_not_added_again(
    client: TestClient, engine: Engine, hubspot: FakeHubSpot, syncing: Settings
) -> None:
    visit = Visit(client)
    send_form(client, visit, "ada@example.com", "Call me")
    start = utcnow()
    [dying] = delivery.claim(engine=engine, settings=syncing, now=start)
    DELIVERERS[dying.channel](dying, syncing)  # delivered, then the runner died
    later = start + timedelta(seconds=syncing.OUTBOX_LEASE_SECONDS + 1)
    [taken] = delivery.claim(engine=engine, settings=syncing, now=later)
    assert taken.unsure
    delivery.deliver_one(engine=engine, settings=syncing, outgoing=taken, deliverers=DELIVERERS)
    assert len(hubspot.notes) == 1


def test_nothing_goes_to_hubspot_without_a_token(
    client: TestClient, engine: Engine, hubspot: FakeHubSpot, settings: Settings
) -> None:
    visit = Visit(client)
    send_form(client, visit, "noone@example.com", "hello")
    tasks.drain_outbox(engine=engine, settings=settings)
    assert hubspot.contacts == {} and hubspot.notes == []
