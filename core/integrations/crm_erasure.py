"""Erasing a visitor reaches the business's CRM: for each CRM set up and each e-mail address the
visitor gave (their own row, their contact requests), the erasure writes an entry to the outbox
in its own transaction, and the jobs runner deletes the person there.

- HubSpot: the contact with that address is deleted for good (GDPR delete, which also removes
  its notes and activity). HubSpot blocklists an address it is asked to GDPR-delete but does
  not know, so an address with no contact there is left alone.
- Salesforce: every Lead and Contact with that address is deleted (their Tasks go with them).

Deleting what is already gone is nothing, so a retried delivery is harmless. Only the team's
erasures (the admin's Privacy page, the command line) go to the CRM, not a visitor's own. The
entry is not linked to the erased conversation (it would be erased with it): it keeps the
address, encrypted with a key of its own, until it is delivered; the runner's next purge then
deletes it and destroys that key. The receiver's words are kept out of its error (they may quote
the address)."""

from __future__ import annotations

import uuid
from contextlib import suppress
from typing import Any

from hubspot.crm.contacts import PublicGdprDeleteInput
from hubspot.crm.contacts.exceptions import ApiException as ContactsError
from simple_salesforce import format_soql
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound
from sqlmodel import Session, col, select

from core import data_keys
from core.crypto import keyed
from core.integrations import crm, hubspot, outbox, salesforce
from core.integrations.delivery import Undeliverable
from core.models import ContactRequest, OutboxChannel, Visitor
from core.privacy.subjects import Found, chunks
from core.settings import Settings


def emails_of(*, session: Session, found: Found) -> list[str]:
    """The e-mail addresses stored for the subject, lower-cased, each once."""
    addresses: set[str] = set()
    for model, table in ((Visitor, "visitor"), (ContactRequest, "contactrequest")):
        for part in chunks(found.rows.get(table, ())):
            rows = session.exec(select(model.email).where(col(model.id).in_(part)))
            addresses |= {e.strip().lower() for e in rows.all() if e and "@" in e}
    return sorted(addresses)


def queue(*, session: Session, settings: Settings, found: Found) -> int:
    """Write the CRM deletions of an erasure in its transaction; returns entries written."""
    crms = crm.set_up(
        settings,
        hubspot=OutboxChannel.HUBSPOT_ERASURE,
        salesforce=OutboxChannel.SALESFORCE_ERASURE,
    )
    written = 0
    for email in emails_of(session=session, found=found) if crms else []:
        for channel in crms:
            # The address under a key of the entry's own, destroyed when the entry is purged
            # right after its delivery (core/integrations/delivery.py, purge_delivered).
            written += outbox.enqueue(
                session=session,
                channel=channel,
                payload=keyed({"email": email}, data_keys.create_key()),
                key=f"{channel}:{uuid.uuid4().hex}",
            )
    return written


def delete_from_hubspot(*, settings: Settings, payload: dict[str, Any]) -> None:
    contacts = hubspot.client(settings).crm.contacts.basic_api
    try:
        contacts.get_by_id(contact_id=payload["email"], id_property="email")
    except ContactsError as error:
        if error.status == 404:
            return  # not there (or gone already): nothing to delete, nothing to blocklist
        if 400 <= error.status < 500 and error.status != 429:
            raise Undeliverable(
                f"HubSpot refused the deletion: {error.status} {error.reason}"
            ) from None
        raise
    try:
        contacts.purge(PublicGdprDeleteInput(object_id=payload["email"], id_property="email"))
    except ContactsError as error:
        if error.status == 404:
            return
        if 400 <= error.status < 500 and error.status != 429:
            raise Undeliverable(
                f"HubSpot refused the deletion: {error.status} {error.reason}"
            ) from None
        raise


def delete_from_salesforce(*, settings: Settings, payload: dict[str, Any]) -> None:
    client = salesforce.connect(settings)
    try:
        for kind in ("Contact", "Lead"):
            while True:
                found = client.query(
                    format_soql(f"SELECT Id FROM {kind} WHERE Email = {{}}", payload["email"])
                )
                if not found["records"]:
                    break
                for record in found["records"]:
                    with suppress(SalesforceResourceNotFound):  # deleted meanwhile
                        getattr(client, kind).delete(record["Id"])
    except SalesforceMalformedRequest as error:
        raise Undeliverable(f"Salesforce refused the deletion: {error.status}") from None
