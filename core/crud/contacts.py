"""Contact requests: a visitor's details and message left for a person to follow up.

Read as frozen dataclasses of plain values (the admin keeps them in Reflex state), decrypted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.models import ContactRequest, ContactRequestCreate, Conversation
from core.models._types import as_utc

LIST_LIMIT = 200  # newest requests the admin's list shows


@dataclass(frozen=True)
class ContactRow:
    id: int
    created_at: datetime  # UTC
    name: str
    email: str
    phone: str | None
    message: str
    status: str
    conversation_public_id: str | None  # the conversation it was left from, if any


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


def _rows(session: Session, *, public_id: str | None, limit: int) -> list[ContactRow]:
    query = (
        select(ContactRequest, Conversation.public_id)
        .outerjoin(Conversation, col(Conversation.id) == ContactRequest.conversation_id)
        .order_by(col(ContactRequest.created_at).desc(), col(ContactRequest.id).desc())
        .limit(limit)
    )
    if public_id is not None:
        query = query.where(Conversation.public_id == public_id)
    rows = []
    for request, public_id in session.exec(query).all():
        assert request.id is not None
        rows.append(
            ContactRow(
                id=request.id,
                created_at=as_utc(request.created_at),
                name=request.name,
                email=request.email,
                phone=request.phone,
                message=request.message,
                status=request.status,
                conversation_public_id=public_id,
            )
        )
    return rows


def list_contact_requests(*, session: Session, limit: int = LIST_LIMIT) -> list[ContactRow]:
    """The newest `limit` contact requests, newest first."""
    return _rows(session, public_id=None, limit=limit)


def contact_requests_of(
    *, session: Session, public_id: str, limit: int = LIST_LIMIT
) -> list[ContactRow]:
    """The contact requests left from one conversation (by its public id), newest first."""
    return _rows(session, public_id=public_id, limit=limit)


def count_between(*, session: Session, start: datetime, end: datetime) -> int:
    """How many contact requests were sent in [start, end)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(ContactRequest)
            .where(col(ContactRequest.created_at) >= start, col(ContactRequest.created_at) < end)
        ).one()
    )
