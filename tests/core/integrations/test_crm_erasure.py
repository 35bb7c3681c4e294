"""Erasing a visitor deletes them from the business's CRM through the outbox: HubSpot's GDPR
delete of the contact with their address (never for an address HubSpot does not know, which it
would blocklist), and every Salesforce Lead and Contact with it, each through its official
client against a local server speaking its API; everyone else stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import data_keys
from core.crud.audit import Actor
from core.db import session_scope
from core.jobs import tasks
from core.models import OutboxEntry, OutboxStatus
from core.privacy.erasure import erase
from core.privacy.subjects import Lookup
from core.settings import Settings
from tests.factories import make_person
from tests.fake_hubspot import FakeHubSpot
from tests.fake_salesforce import FakeSalesforce

pytestmark = pytest.mark.slow
WHO = Actor(name="owner@example.com")


@pytest.fixture
def crms(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FakeHubSpot, FakeSalesforce]]:
    hubspot = FakeHubSpot().start()
    salesforce = FakeSalesforce(ca_file=tmp_path / "ca.pem").start()
    for name, value in {
        **hubspot.settings(),
        **salesforce.settings(),
        "OUTBOX_BACKOFF_BASE_SECONDS": 0.001,
        "OUTBOX_BACKOFF_MAX_SECONDS": 0.002,
    }.items():
        monkeypatch.setattr(settings, name, value)  # the erasure reads the process's settings
    yield hubspot, salesforce
    hubspot.stop()
    salesforce.stop()


def raw_payload(engine: Engine, entry_id: int) -> str:
    with engine.connect() as conn:
        query = text("SELECT payload FROM outboxentry WHERE id = :id")
        return str(conn.execute(query, {"id": entry_id}).scalar_one())


def drain(engine: Engine, settings: Settings) -> list[OutboxEntry]:
    """The outbox once the runner's drain has nothing left to try."""
    for _ in range(500):
        with Session(engine) as session:
            entries = list(session.exec(select(OutboxEntry).order_by(col(OutboxEntry.id))).all())
        if all(e.status in (OutboxStatus.DELIVERED, OutboxStatus.DEAD) for e in entries):
            return entries
        tasks.drain_outbox(engine=engine, settings=settings)
    return entries


def test_an_erased_visitor_is_deleted_from_hubspot_and_salesforce(
    db: Engine, settings: Settings, crms: tuple[FakeHubSpot, FakeSalesforce]
) -> None:
    hubspot, salesforce = crms
    with session_scope(db) as session:
        jo, sam = make_person(session), make_person(session)
    for person in (jo, sam):  # both reached the CRMs with their contact requests
        hubspot.handle(
            "/crm/v3/objects/contacts/batch/upsert",
            {"inputs": [{"idProperty": "email", "id": person.email, "properties": {}}]},
        )
        salesforce.handle("POST", "/services/data/v59.0/sobjects/Lead", {
            "LastName": person.name, "Company": "[not provided]", "Email": person.email,
        })  # fmt: skip
    salesforce.handle("POST", "/services/data/v59.0/sobjects/Contact", {
        "LastName": jo.name, "Email": jo.email.upper(),
    })  # fmt: skip

    erase(lookup=Lookup.EMAIL, value=jo.email, actor=WHO, engine=db)
    entries = drain(db, settings)

    assert sorted(e.channel for e in entries) == ["hubspot-erasure", "salesforce-erasure"]
    assert {e.status for e in entries} == {OutboxStatus.DELIVERED}
    assert all(e.conversation_id is None for e in entries)
    assert hubspot.purged == [jo.email] and list(hubspot.contacts) == [sam.email]
    left = [r["Email"] for kind in ("Lead", "Contact") for r in salesforce.records[kind].values()]
    assert left == [sam.email]

    # Delivered, they go from the outbox at the runner's next purge, with the key that sealed
    # the address.
    keys = [data_keys.key_id_of(raw_payload(db, e.id)) for e in entries]  # type: ignore[arg-type]
    assert None not in keys and all(data_keys.exists(k) for k in keys)  # type: ignore[arg-type]
    assert tasks.purge_outbox(engine=db, settings=settings) == 2
    assert drain(db, settings) == [] and not any(data_keys.exists(k) for k in keys)  # type: ignore[arg-type]


def test_a_visitors_own_erasure_does_not_reach_the_crm(
    db: Engine, settings: Settings, crms: tuple[FakeHubSpot, FakeSalesforce]
) -> None:
    """An address a visitor typed is no proof that the CRM's person is them: "Delete my data"
    in the widget erases what the chat holds, and the team's erasure alone reaches the CRM."""
    with session_scope(db) as session:
        jo = make_person(session)
    erase(lookup=Lookup.VISITOR, value=jo.public_id, actor=WHO, engine=db, widen=False)
    assert drain(db, settings) == []


def test_an_address_hubspot_does_not_know_is_not_sent_to_its_gdpr_delete(
    db: Engine, settings: Settings, crms: tuple[FakeHubSpot, FakeSalesforce]
) -> None:
    hubspot, _ = crms
    with session_scope(db) as session:
        jo = make_person(session)
    erase(lookup=Lookup.EMAIL, value=jo.email, actor=WHO, engine=db)
    entries = drain(db, settings)
    assert {e.status for e in entries} == {OutboxStatus.DELIVERED}
    assert hubspot.purged == []  # HubSpot would have blocklisted it
