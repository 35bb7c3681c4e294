from __future__ import annotations

from datetime import datetime

from sqlalchemy import Exists, delete, exists
from sqlmodel import Session, col, select

from core.models import (
    AnalyticsEvent,
    ContactRequest,
    Conversation,
    LanguageSource,
    Message,
    ShreddedKey,
    Visitor,
)
from core.models._types import utcnow


def create_visitor(*, session: Session, language: str | None = None) -> Visitor:
    visitor = Visitor(language=language)
    session.add(visitor)
    session.flush()
    return visitor


def get_visitor_by_public_id(*, session: Session, public_id: str) -> Visitor | None:
    return session.exec(select(Visitor).where(Visitor.public_id == public_id)).first()


def create_conversation(
    *,
    session: Session,
    visitor: Visitor,
    language: str | None = None,
    language_source: str = LanguageSource.DEFAULT,
    page_url: str | None = None,
) -> Conversation:
    assert visitor.id is not None
    conversation = Conversation(
        visitor_id=visitor.id,
        language=language,
        language_source=language_source,
        page_url=page_url,
    )
    session.add(conversation)
    session.flush()
    return conversation


def get_conversation(*, session: Session, public_id: str) -> Conversation | None:
    if len(public_id) > 32 or not public_id.isalnum():  # not an id (or not storable text)
        return None
    return session.exec(select(Conversation).where(Conversation.public_id == public_id)).first()


def touch(*, session: Session, conversation: Conversation) -> None:
    conversation.last_message_at = utcnow()
    session.add(conversation)


def has_messages() -> Exists:
    """A condition on Conversation: something was written in it (the widget starts one just
    before the visitor's first message, so one without is a failed send or a probe)."""
    return exists(select(Message.id).where(col(Message.conversation_id) == Conversation.id))


def purge_empty(*, session: Session, before: datetime) -> int:
    """Delete conversations started before `before` that nobody wrote in (nor left the
    contact form from), their events, and visitors left with no conversation. Returns how
    many conversations went."""
    linked = exists(
        select(ContactRequest.id).where(col(ContactRequest.conversation_id) == Conversation.id)
    )
    empty = session.exec(
        select(Conversation.id, Conversation.visitor_id).where(
            col(Conversation.created_at) < before,
            ~has_messages(),
            ~linked,
        )
    ).all()
    if not empty:
        return 0
    ids = [cid for cid, _ in empty]
    visitors = {vid for _, vid in empty}
    session.exec(delete(AnalyticsEvent).where(col(AnalyticsEvent.conversation_id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(Conversation).where(col(Conversation.id).in_(ids)))  # type: ignore[call-overload]
    still_used = select(Conversation.id).where(col(Conversation.visitor_id) == Visitor.id)
    gone = session.connection().execute(
        delete(Visitor)
        .where(col(Visitor.id).in_(visitors), ~exists(still_used))
        .returning(col(Visitor.data_key_id))
    )
    # Their data keys are recorded as destroyed (those of the visitors deleted, read as they
    # go: one who came back meanwhile keeps theirs); the caller deletes them after the commit.
    for key_id in gone.scalars().all():
        if key_id is not None:
            session.add(ShreddedKey(key_id=key_id))
    return len(ids)
