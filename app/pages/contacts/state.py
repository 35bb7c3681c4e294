"""The contact requests page's state: the newest requests, decrypted through core.crud."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import reflex as rx
from sqlmodel import Session

from app.session_state import AuthState, guarded
from core.crud import contacts
from core.db import session_scope
from core.integrations.crm_sync import CRMS, CrmSync, sync_states

INBOX = "/inbox"


def contact_fields(row: contacts.ContactRow, sync: Sequence[CrmSync] = ()) -> dict[str, str]:
    """One request as the pages show it (also the inbox's, beside the transcript), with where
    it stands in each CRM ("hubspot": what to say, "hubspot_state": synced, pending, ...)."""
    conversation = row.conversation_public_id or ""
    crms = {name: "" for crm in CRMS for name in (crm, f"{crm}_state")}
    for each in sync:
        crms[each.crm], crms[f"{each.crm}_state"] = each.text, each.state
    return crms | {
        "id": str(row.id),
        "when": row.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "name": row.name,
        "email": row.email,
        "phone": row.phone or "",
        # tel: links take digits and a leading +; spaces and dashes are for people.
        "tel": "".join(c for c in row.phone or "" if c.isdigit() or c == "+"),
        "message": row.message,
        "conversation": conversation,
        "inbox_url": f"{INBOX}?c={conversation}" if conversation else "",
    }


def shown(session: Session, rows: Sequence[contacts.ContactRow]) -> list[dict[str, str]]:
    """The requests as the pages show them, each with its CRM sync state."""
    states = sync_states(session=session, request_ids=[row.id for row in rows])
    return [contact_fields(row, states.get(row.id, ())) for row in rows]


class ContactsState(AuthState):
    requests: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded()
    def load(self) -> None:
        with session_scope() as session:
            found = contacts.list_contact_requests(session=session)
            self.requests = shown(session, found)
        self.loaded = True
