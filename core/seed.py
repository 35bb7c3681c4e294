"""Load the demo business and its FAQs into an empty database."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from core.content.quick_actions import validate_quick_actions
from core.content.triggers import validate_triggers
from core.crud import faqs as faq_crud
from core.crud import funnels as funnel_crud
from core.models import Business, FaqEntryCreate, FunnelCreate

# The funnel a new owner finds on the Funnels page: did chatting help visitors buy?
DEMO_FUNNEL = FunnelCreate(
    name="Product to purchase", steps=["product_viewed", "conversation_started", "purchase"]
)


def seed_demo(*, session: Session, demo_dir: Path) -> bool:
    """Returns False (and changes nothing) when a business is already set up."""
    if session.exec(select(Business).limit(1)).first() is not None:
        return False
    info = json.loads((demo_dir / "business.json").read_text(encoding="utf-8"))
    session.add(
        Business(
            name=info["name"],
            greeting=info["greeting"],
            default_language=info.get("default_language", "en"),
            timezone=info.get("timezone", "UTC"),
            color=info.get("color", "#0b6e4f"),
            position=info.get("position", "right"),
            hours=info.get("hours", {}),
            products=info.get("products", []),
            contact={k: info[k] for k in ("address", "phone", "email") if k in info},
            # Checked like the settings page checks them: a bad demo file fails loudly.
            triggers=validate_triggers(info.get("triggers", [])),
            quick_actions=validate_quick_actions(info.get("quick_actions", {})),
        )
    )
    ids: dict[str, int | None] = {}  # question -> id: a translation names its source's question
    for raw in json.loads((demo_dir / "faqs.json").read_text(encoding="utf-8")):
        source = raw.pop("translation_of", None)
        if source is not None:
            raw["translation_of"] = ids[source]
        faq = faq_crud.create_faq(session=session, faq_in=FaqEntryCreate.model_validate(raw))
        ids[faq.question] = faq.id
    funnel_crud.create_funnel(session=session, funnel_in=DEMO_FUNNEL)
    return True
