"""HubSpot: a contact request becomes a contact (upserted by e-mail address) with the chat's
summary as a note on it, through hubspot-api-client.

The contact is upserted (`batch/upsert` with idProperty email), so sending it twice changes
nothing. A note has no idempotency key in HubSpot, so its body ends with ours; a runner taking
over from one that died mid-send first searches the notes for it and does not add a second."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInputUpsert,
    SimplePublicObjectBatchInputUpsert,
)
from hubspot.crm.contacts.exceptions import ApiException as ContactsError
from hubspot.crm.objects.notes import (
    AssociationSpec,
    Filter,
    FilterGroup,
    PublicAssociationsForObject,
    PublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.objects.notes.exceptions import ApiException as NotesError

from core.integrations import crm_fields
from core.integrations.delivery import Undeliverable
from core.settings import Settings

NOTE_TO_CONTACT = 202  # HubSpot's association type id, note -> contact (HUBSPOT_DEFINED)


def client(settings: Settings) -> HubSpot:
    if not settings.HUBSPOT_ACCESS_TOKEN:
        raise RuntimeError("HUBSPOT_ACCESS_TOKEN is not set")
    return HubSpot(access_token=settings.HUBSPOT_ACCESS_TOKEN, host=settings.HUBSPOT_API_URL)


def contact_properties(payload: dict[str, Any], settings: Settings) -> dict[str, str]:
    """HubSpot's contact properties from what the visitor gave, as HUBSPOT_FIELD_MAP maps them
    (by default their name split once, and their phone)."""
    return crm_fields.mapped(payload, settings.HUBSPOT_FIELD_MAP, "hubspot")


def marker(key: str) -> str:
    return f"[customeragent {key}]"


def _refused(error: ContactsError | NotesError) -> bool:
    return 400 <= int(error.status or 0) < 500 and error.status not in (401, 429)


def note_exists(*, settings: Settings, key: str) -> bool:
    search = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(
                filters=[Filter(property_name="hs_note_body", operator="CONTAINS_TOKEN", value=key)]
            )
        ],
        limit=1,
    )
    found = client(settings).crm.objects.notes.search_api.do_search(search)
    return bool(found.total)


def send(*, settings: Settings, payload: dict[str, Any], key: str, unsure: bool) -> str:
    """Upsert the contact, then add the note to it (unless a runner that died added it).
    Returns the contact's record id, as "contact <id>"."""
    crm = client(settings)
    upsert = BatchInputSimplePublicObjectBatchInputUpsert(
        inputs=[
            SimplePublicObjectBatchInputUpsert(
                id_property="email",
                id=payload["email"],
                properties=contact_properties(payload, settings),
            )
        ]
    )
    try:
        answer = crm.crm.contacts.batch_api.upsert(upsert)
        contact_id = answer.results[0].id
        if unsure and note_exists(settings=settings, key=key):
            return f"contact {contact_id}"
        note = SimplePublicObjectInputForCreate(
            properties={
                "hs_timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "hs_note_body": f"{payload['note']}\n\n{marker(key)}",
            },
            associations=[
                PublicAssociationsForObject(
                    to=PublicObjectId(id=contact_id),
                    types=[
                        AssociationSpec(
                            association_category="HUBSPOT_DEFINED",
                            association_type_id=NOTE_TO_CONTACT,
                        )
                    ],
                )
            ],
        )
        crm.crm.objects.notes.basic_api.create(note)
        return f"contact {contact_id}"
    except (ContactsError, NotesError) as error:
        if _refused(error):
            raise Undeliverable(f"HubSpot refused: {error.status} {error.body}") from error
        raise
