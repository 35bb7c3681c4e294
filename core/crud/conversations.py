from __future__ import annotations

from sqlmodel import Session, select

from core.models import Conversation, LanguageSource, Visitor
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
