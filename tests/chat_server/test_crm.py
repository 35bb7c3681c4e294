"""A contact form sent in the widget reaches the business's CRM, delivered by the jobs runner's
drain: HubSpot (the contact upserted by e-mail with the chat's summary as a note, to a local
server speaking HubSpot's CRM API through hubspot-api-client) and Salesforce (a Lead, or the
Contact or Lead with that address updated, with the summary as a Task, through simple-salesforce
over TLS to a local server with a test CA)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from core.integrations import delivery
from core.integrations.channels import DELIVERERS
from core.integrations.crm_sync import sync_states
from core.jobs import tasks
from core.models import OutboxEntry, OutboxStatus
from core.models._types import utcnow
from core.settings import Settings
from tests.conftest import Visit
from tests.factories import forget_integration_settings, save_integration_settings
from tests.fake_hubspot import FakeHubSpot
from tests.fake_salesforce import CLIENT_SECRET, REQUIRED, FakeSalesforce
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


def test_the_owners_field_mapping_decides_the_hubspot_properties_and_the_inbox_shows_the_sync(
    client: TestClient, engine: Engine, hubspot: FakeHubSpot, syncing: Settings
) -> None:
    mapping = {
        "first_name": "firstname",
        "phone": "mobilephone",
        "message": "chat_request",
        "language": "hs_language",
        "conversation_link": "chat_link",
        "summary": "chat_summary",
    }
    save_integration_settings(engine, syncing, HUBSPOT_FIELD_MAP=json.dumps(mapping))
    try:
        visit = Visit(client)
        visit.say("do you fix hydraulic brakes")
        request = send_form(client, visit, "grace@example.com", "Please call me")
        with Session(engine) as session:
            [waiting] = sync_states(session=session, request_ids=[request])[request]
        assert waiting.text == "HubSpot: pending, waiting for the jobs runner"
        drain_until_delivered(engine, syncing)
    finally:
        forget_integration_settings(engine)

    contact = hubspot.contacts["grace@example.com"]
    properties = contact["properties"]
    assert sorted(properties) == sorted(["email", *mapping.values()])  # no lastname, no phone
    assert properties["mobilephone"] == "+1 415 555 2671"
    assert properties["chat_request"] == "Please call me"
    assert properties["hs_language"] == "en"
    assert properties["chat_link"].endswith(f"/inbox?c={visit.cid}")
    assert properties["chat_summary"].startswith("Contact request from the website chat")
    with Session(engine) as session:
        [synced] = sync_states(session=session, request_ids=[request])[request]
    assert synced.state == "synced" and synced.record == f"contact {contact['id']}"
    assert synced.text.endswith(f"UTC as contact {contact['id']}")


def test_nothing_goes_to_hubspot_without_a_token(
    client: TestClient, engine: Engine, hubspot: FakeHubSpot, settings: Settings
) -> None:
    visit = Visit(client)
    send_form(client, visit, "noone@example.com", "hello")
    tasks.drain_outbox(engine=engine, settings=settings)
    assert hubspot.contacts == {} and hubspot.notes == []


@pytest.fixture
def salesforce(engine: Engine, tmp_path: Path) -> Iterator[FakeSalesforce]:
    clear_outbox(engine)
    fake = FakeSalesforce(ca_file=tmp_path / "ca.pem").start()
    yield fake
    fake.stop()
    clear_outbox(engine)


@pytest.fixture
def to_salesforce(
    client: TestClient,
    settings: Settings,
    salesforce: FakeSalesforce,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    for configured in (settings, client.app.state.chat.settings):  # type: ignore[attr-defined]
        for name, value in salesforce.settings().items():
            monkeypatch.setattr(configured, name, value)
        monkeypatch.setattr(configured, "OUTBOX_BACKOFF_BASE_SECONDS", 0.001)
        monkeypatch.setattr(configured, "OUTBOX_BACKOFF_MAX_SECONDS", 0.002)
    return settings


def drain_until_delivered(engine: Engine, settings: Settings) -> None:
    for _ in range(200):
        if tasks.drain_outbox(engine=engine, settings=settings).delivered:
            return
    raise AssertionError("nothing was delivered")


def test_a_contact_request_becomes_a_salesforce_lead_with_the_chat_as_a_task(
    client: TestClient, engine: Engine, salesforce: FakeSalesforce, to_salesforce: Settings
) -> None:
    visit = Visit(client)
    visit.say("do you fix hydraulic brakes")
    send_form(client, visit, "grace@example.com", "Please call me about my brakes")
    salesforce.fail_first = 1  # Salesforce has a hiccup: tried again, delivered once
    drain_until_delivered(engine, to_salesforce)

    [(lead_id, lead)] = salesforce.records["Lead"].items()
    assert lead == {
        "LastName": "Brewster Hopper",
        "FirstName": "Grace",
        "Company": "[not provided]",
        "Email": "grace@example.com",
        "Phone": "+1 415 555 2671",
        "LeadSource": "Website chat",
    }
    [task] = salesforce.records["Task"].values()
    assert task["WhoId"] == lead_id and task["Status"] == "Completed"
    assert task["Description"].startswith(
        "Contact request from the website chat: Please call me about my brakes"
    )
    assert f"/inbox?c={visit.cid}" in task["Description"]

    # The same person again (another case): the one lead is updated and gets a second task.
    send_form(client, visit, "Grace@Example.com", "Still waiting for that call")
    drain_until_delivered(engine, to_salesforce)
    assert list(salesforce.records["Lead"]) == [lead_id]
    assert [t["WhoId"] for t in salesforce.records["Task"].values()] == [lead_id, lead_id]


def test_a_known_contact_is_updated_not_duplicated_as_a_lead(
    client: TestClient, engine: Engine, salesforce: FakeSalesforce, to_salesforce: Settings
) -> None:
    salesforce.records["Contact"]["003000000000000001"] = {
        "LastName": "Lovelace",
        "Email": "ada@example.com",
    }
    send_form(client, Visit(client), "ada@example.com", "Call me")
    drain_until_delivered(engine, to_salesforce)
    assert salesforce.records["Lead"] == {}
    contact = salesforce.records["Contact"]["003000000000000001"]
    assert contact == {
        "LastName": "Lovelace",
        "Email": "ada@example.com",
        "Phone": "+1 415 555 2671",
    }
    [task] = salesforce.records["Task"].values()
    assert task["WhoId"] == "003000000000000001"


def test_the_owners_field_mapping_decides_the_salesforce_fields(
    client: TestClient, engine: Engine, salesforce: FakeSalesforce, to_salesforce: Settings
) -> None:
    mapping = {
        "first_name": "FirstName",
        "last_name": "LastName",
        "phone": "MobilePhone",
        "message": "Chat_Request__c",
        "summary": "Description",
    }
    salesforce.records["Contact"]["003000000000000001"] = {
        "LastName": "Lovelace",
        "Email": "ada@example.com",
    }
    save_integration_settings(engine, to_salesforce, SALESFORCE_FIELD_MAP=json.dumps(mapping))
    try:
        grace = send_form(client, Visit(client), "grace@example.com", "Please call me")
        drain_until_delivered(engine, to_salesforce)
        send_form(client, Visit(client), "ada@example.com", "Call me")
        drain_until_delivered(engine, to_salesforce)
    finally:
        forget_integration_settings(engine)

    [(lead_id, lead)] = salesforce.records["Lead"].items()
    assert sorted(lead) == sorted(["Email", "Company", "LeadSource", *mapping.values()])
    assert (lead["FirstName"], lead["LastName"]) == ("Grace", "Brewster Hopper")
    assert (lead["MobilePhone"], lead["Chat_Request__c"]) == ("+1 415 555 2671", "Please call me")
    # The known contact gets the mapped fields, but keeps its name as Salesforce has it.
    contact = salesforce.records["Contact"]["003000000000000001"]
    assert contact["LastName"] == "Lovelace" and "FirstName" not in contact
    assert (contact["MobilePhone"], contact["Chat_Request__c"]) == ("+1 415 555 2671", "Call me")
    with Session(engine) as session:
        [synced] = sync_states(session=session, request_ids=[grace])[grace]
    assert synced.record == f"Lead {lead_id}"


def test_a_task_added_by_a_runner_that_died_is_not_added_again(
    client: TestClient, engine: Engine, salesforce: FakeSalesforce, to_salesforce: Settings
) -> None:
    send_form(client, Visit(client), "ada@example.com", "Call me")
    start = utcnow()
    [dying] = delivery.claim(engine=engine, settings=to_salesforce, now=start)
    DELIVERERS[dying.channel](dying, to_salesforce)  # delivered, then the runner died
    later = start + timedelta(seconds=to_salesforce.OUTBOX_LEASE_SECONDS + 1)
    [taken] = delivery.claim(engine=engine, settings=to_salesforce, now=later)
    assert taken.unsure
    delivery.deliver_one(
        engine=engine, settings=to_salesforce, outgoing=taken, deliverers=DELIVERERS
    )
    assert len(salesforce.records["Task"]) == 1 and len(salesforce.records["Lead"]) == 1


def test_wrong_credentials_wait_for_the_owner_and_a_refused_record_is_given_up(
    client: TestClient,
    engine: Engine,
    salesforce: FakeSalesforce,
    to_salesforce: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(to_salesforce, "SALESFORCE_CLIENT_SECRET", "an old secret")
    ada = send_form(client, Visit(client), "ada@example.com", "Call me")
    tasks.drain_outbox(engine=engine, settings=to_salesforce)
    with Session(engine) as session:
        [entry] = session.exec(select(OutboxEntry)).all()
        [sync] = sync_states(session=session, request_ids=[ada])[ada]
    assert entry.status == OutboxStatus.FAILED  # tried again: fixing the secret delivers it
    assert "invalid client credentials" in (entry.last_error or "")
    assert salesforce.records["Lead"] == {}
    # The inbox says so beside the request: retrying, when, and why.
    assert sync.state == "retrying" and sync.text.startswith("Salesforce: retrying (attempt 2 at ")
    assert "invalid client credentials" in sync.text

    monkeypatch.setattr(to_salesforce, "SALESFORCE_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setitem(REQUIRED, "Task", ("ActivityType",))  # a rule the org added
    send_form(client, Visit(client), "bob@example.com", "Call me too")
    for _ in range(20):
        tasks.drain_outbox(engine=engine, settings=to_salesforce)
    with Session(engine) as session:
        statuses = {
            e.idempotency_key.split(":")[0]: e.status for e in session.exec(select(OutboxEntry))
        }
        dead = session.exec(
            select(OutboxEntry).where(col(OutboxEntry.status) == OutboxStatus.DEAD)
        ).all()
    assert statuses == {"salesforce": OutboxStatus.DEAD}
    assert all("REQUIRED_FIELD_MISSING" in (e.last_error or "") for e in dead)
    with Session(engine) as session:
        [sync] = sync_states(session=session, request_ids=[ada])[ada]
    assert sync.state == "failed" and sync.text.startswith("Salesforce: failed after ")
    assert "REQUIRED_FIELD_MISSING" in sync.text


def test_salesforce_settings_are_checked_as_a_whole() -> None:
    with pytest.raises(ValueError, match="Salesforce needs SALESFORCE_CLIENT_SECRET as well"):
        Settings(SALESFORCE_LOGIN_URL="https://acme.my.salesforce.com", SALESFORCE_CLIENT_ID="x")
    with pytest.raises(ValueError, match="must start with https://"):
        Settings(
            SALESFORCE_LOGIN_URL="http://acme.my.salesforce.com",
            SALESFORCE_CLIENT_ID="x",
            SALESFORCE_CLIENT_SECRET="y",
        )
