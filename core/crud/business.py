from __future__ import annotations

from sqlmodel import Session, select

from core.models import Business

FALLBACK = Business(name="Support", greeting="Hi! How can I help you today?")


def get_business(*, session: Session) -> Business:
    """The configured business, or neutral defaults before the first set-up."""
    return session.exec(select(Business).limit(1)).first() or FALLBACK
