from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.models import AnalyticsEvent, EventName, Feedback
from core.models._types import utcnow


def record_event(
    *,
    session: Session,
    name: EventName,
    conversation_id: int | None = None,
    faq_id: int | None = None,
    private: dict[str, Any] | None = None,
    **properties: Any,
) -> AnalyticsEvent:
    """Record that something happened, in the caller's transaction. A name outside EventName
    raises ValueError: flows and funnels count by these names, so a typo would silently drop
    events from them. `properties` are plain labels for the dashboards; anything that may be
    personal (a name) goes in `private`, stored encrypted. Never pass message text or an IP
    address."""
    event = AnalyticsEvent(
        name=EventName(name),
        conversation_id=conversation_id,
        faq_id=faq_id,
        properties=properties,
        private_properties=private or None,
        created_at=utcnow(),
    )
    session.add(event)
    return event


def create_feedback(
    *,
    session: Session,
    conversation_id: int,
    rating: int,
    message_id: int | None = None,
    comment: str | None = None,
) -> Feedback:
    feedback = Feedback(
        conversation_id=conversation_id, rating=rating, message_id=message_id, comment=comment
    )
    session.add(feedback)
    session.flush()
    return feedback


def rate_message(
    *, session: Session, conversation_id: int, message_id: int, rating: int, comment: str | None
) -> tuple[Feedback, bool]:
    """The visitor's rating of one message, kept once: a later one replaces it (a change of mind,
    or the comment after a "not helpful"), so nothing counts twice. A comment stays while the
    rating does not change. Returns the row and whether it is new."""
    found = session.exec(
        select(Feedback)
        .where(Feedback.conversation_id == conversation_id, Feedback.message_id == message_id)
        .order_by(col(Feedback.id).desc())
    ).first()
    if found is None:
        feedback = create_feedback(
            session=session,
            conversation_id=conversation_id,
            rating=rating,
            message_id=message_id,
            comment=comment,
        )
        return feedback, True
    if comment is not None or found.rating != rating:
        found.comment = comment
    found.rating = rating
    session.add(found)
    session.flush()
    return found, False


def ratings_of(*, session: Session, conversation_id: int) -> dict[int, int]:
    """Message id -> the visitor's latest rating of it, in one conversation."""
    rows = session.exec(
        select(Feedback.message_id, Feedback.rating)
        .where(Feedback.conversation_id == conversation_id, col(Feedback.message_id).is_not(None))
        .order_by(col(Feedback.id))
    ).all()
    return {int(mid): int(rating) for mid, rating in rows if mid is not None}
