from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.models import AnalyticsEvent, EventName, Feedback
from core.models._types import utcnow


def record_event(
    *, session: Session, name: EventName, conversation_id: int | None = None, **properties: Any
) -> AnalyticsEvent:
    """Record that something happened. A name outside EventName raises ValueError: flows and
    funnels count by these names, so a typo would silently drop events from them."""
    event = AnalyticsEvent(
        name=EventName(name),
        conversation_id=conversation_id,
        properties=properties,
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
