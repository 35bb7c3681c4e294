from __future__ import annotations

from sqlmodel import Session

from core.models import ContactRequest, ContactRequestCreate


def create_contact_request(
    *, session: Session, contact_in: ContactRequestCreate, conversation_id: int | None
) -> ContactRequest:
    request = ContactRequest(
        name=contact_in.name.strip(),
        email=str(contact_in.email),
        phone=(contact_in.phone or "").strip() or None,
        message=contact_in.message.strip(),
        conversation_id=conversation_id,
    )
    session.add(request)
    session.flush()
    return request
