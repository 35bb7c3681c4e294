from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from core.bot.texts import say
from core.models import Business
from core.models.business import BusinessUpdate


def get_business(*, session: Session) -> Business:
    """The configured business, or neutral defaults before the first set-up."""
    found = session.exec(select(Business).limit(1)).first()
    return found or Business(name="Support", greeting=say("greeting"))


def _values(business_in: BusinessUpdate) -> dict[str, Any]:
    values = business_in.model_dump()
    for name in ("triggers", "quick_actions", "telemetry", "click_sample_rate"):
        if values[name] is None:
            del values[name]  # not part of this update: keep what is stored
    return values


def changed_settings(*, session: Session, business_in: BusinessUpdate) -> list[str]:
    """The names of the settings `business_in` would change (all of them on a fresh install)."""
    business = session.exec(select(Business).limit(1)).first()
    values = _values(business_in)
    if business is None:
        return sorted(values)
    return sorted(name for name, value in values.items() if getattr(business, name) != value)


def update_business(*, session: Session, business_in: BusinessUpdate) -> Business:
    """Save the owner's settings (creating the business row on a fresh install)."""
    business = session.exec(select(Business).limit(1)).first()
    if business is None:
        business = Business(name=business_in.name, greeting=business_in.greeting)
    business.sqlmodel_update(_values(business_in))
    session.add(business)
    session.flush()
    return business
