"""Quick-action buttons the owner sets per context, and when the product ones apply.

`Business.quick_actions` maps a context to a list of buttons (core/content/rich.py `Button`):

- `after_hours`: offered by the widget while the business is closed (`/api/config` `open_now`).
- `product`: added to a bot answer about a product (`product_buttons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.content.rich import RichError, validate_buttons

CONTEXTS = ("after_hours", "product")
MAX_BUTTONS = 8  # a buttons block holds at most 8
# FAQ categories whose answers concern a product (compared case-insensitively).
PRODUCT_CATEGORIES = frozenset({"pricing", "products", "product", "plans"})
PRODUCT_ENTITY = "PRODUCT"  # core/nlp/entities.py's label for the business's products


def validate_quick_actions(raw: Any) -> dict[str, list[dict[str, Any]]]:
    """Checked quick actions as plain JSON; `RichError` names every problem by context.
    Unknown contexts are refused (a typo would otherwise silently never show)."""
    if not isinstance(raw, dict):
        raise RichError('must be an object like {"after_hours": [...], "product": [...]}')
    problems: list[str] = []
    checked: dict[str, list[dict[str, Any]]] = {}
    for context, buttons in raw.items():
        if context not in CONTEXTS:
            problems.append(f"unknown context {context!r} (use {', '.join(CONTEXTS)})")
            continue
        try:
            checked[context] = validate_buttons(buttons)
        except RichError as exc:
            problems.append(f"{context}: {exc}")
            continue
        if len(checked[context]) > MAX_BUTTONS:
            problems.append(f"{context}: at most {MAX_BUTTONS} buttons")
    if problems:
        raise RichError("; ".join(problems))
    return checked


def concerns_product(*, faq_category: str | None, entity_labels: Sequence[str]) -> bool:
    """An answer concerns a product when its FAQ's category is one of PRODUCT_CATEGORIES or the
    visitor's message names one of the business's products (a PRODUCT entity)."""
    if faq_category and faq_category.strip().casefold() in PRODUCT_CATEGORIES:
        return True
    return PRODUCT_ENTITY in entity_labels


def product_buttons(
    quick_actions: dict[str, Any], *, faq_category: str | None, entity_labels: Sequence[str]
) -> dict[str, Any] | None:
    """The owner's `product` quick actions as a rich `buttons` block when the answer concerns a
    product (see `concerns_product`); None when it does not or none are configured."""
    buttons = quick_actions.get("product") or []
    if not buttons or not concerns_product(faq_category=faq_category, entity_labels=entity_labels):
        return None
    return {"type": "buttons", "buttons": [dict(b) for b in buttons[:MAX_BUTTONS]]}
