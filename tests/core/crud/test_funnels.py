"""Owners' funnels are checked before they are saved, and each error says what to change."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from core.crud import funnels
from core.models import FunnelCreate


def test_a_funnel_is_saved_changed_and_deleted(session: Session) -> None:
    name = f"Buyers {uuid.uuid4().hex[:6]}"
    made = funnels.create_funnel(
        session=session,
        funnel_in=FunnelCreate(name=f"  {name} ", steps=["product_viewed", " purchase "]),
    )
    assert (made.name, made.steps, made.window_days) == (name, ["product_viewed", "purchase"], 14)
    with pytest.raises(funnels.FunnelError, match="exists already"):
        funnels.create_funnel(
            session=session, funnel_in=FunnelCreate(name=name, steps=["a_step", "b_step"])
        )
    changed = funnels.update_funnel(
        session=session,
        funnel=made,
        funnel_in=FunnelCreate(name=name, steps=["signup", "purchase"], window_days=7),
    )
    assert (changed.steps, changed.window_days) == (["signup", "purchase"], 7)
    assert made.id is not None
    funnels.delete_funnel(session=session, funnel=changed)
    assert funnels.get_funnel(session=session, funnel_id=made.id) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"steps": ["purchase"]}, "a funnel has 2 to 8 steps (this one has 1)"),
        ({"steps": ["signup", " "]}, "step 2 is empty"),
        ({"steps": ["signup", "Bought It"]}, "step 2 ('Bought It'): event names are lowercase"),
        ({"steps": ["signup", "signup"]}, "steps 1 and 2 are both 'signup': remove one"),
        ({"window_days": 0}, "window_days"),
        ({"name": "  "}, "give the funnel a name"),
    ],
)
def test_bad_funnels_are_refused_with_a_reason(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        FunnelCreate.model_validate({"name": "Buyers", "steps": ["signup", "purchase"]} | fields)
    assert message in str(caught.value)
