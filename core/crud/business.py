from __future__ import annotations

from sqlmodel import Session, select

from core.models import Business


def get_business(*, session: Session) -> Business:
    """The configured business, or neutral defaults before the first set-up."""
    found = session.exec(select(Business).limit(1)).first()
    return found or Business(name="Support", greeting="Hi! How can I help you today?")
