from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.models import AnalyticsEvent, Feedback
from core.models._types import utcnow


def record_event(
    *, session: Session, name: str, conversation_id: int | None = None, **properties: Any
) -> AnalyticsEvent:
    event = AnalyticsEvent(
        name=name, conversation_id=conversation_id, properties=properties, created_at=utcnow()
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
