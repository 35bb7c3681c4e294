"""The contact requests page's state: the newest requests, decrypted through core.crud."""

from __future__ import annotations

from datetime import UTC

import reflex as rx

from app.session_state import AuthState, guarded
from core.crud import contacts
from core.db import session_scope

INBOX = "/inbox"


def contact_fields(row: contacts.ContactRow) -> dict[str, str]:
    """One request as the pages show it (also the inbox's, beside the transcript)."""
    conversation = row.conversation_public_id or ""
    return {
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


class ContactsState(AuthState):
    requests: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded()
    def load(self) -> None:
        with session_scope() as session:
            found = contacts.list_contact_requests(session=session)
        self.requests = [contact_fields(row) for row in found]
        self.loaded = True
