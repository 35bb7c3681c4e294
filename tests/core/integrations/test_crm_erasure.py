"""Erasing a visitor deletes them from the business's CRM through the outbox: HubSpot's GDPR
delete of the contact with their address (never for an address HubSpot does not know, which it
would blocklist), and every Salesforce Lead and Contact with it, each through its official
client against a local server speaking its API; everyone else stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

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
