"""Quick actions by context, and the product buttons a bot answer about a product carries."""

from __future__ import annotations

from typing import Any

import pytest

from core.content.quick_actions import product_buttons, validate_quick_actions
from core.content.rich import RichError, validate_blocks

ACTIONS: dict[str, Any] = {
    "after_hours": [
        {"label": "Request a callback", "action": "contact_form"},
        {"label": "Visit our help centre", "action": "link", "value": "/help"},
    ],
    "product": [
        {"label": "Compare plans", "action": "message", "value": "Compare your plans"},
        {"label": "Pricing", "action": "link", "value": "https://example.com/pricing"},
    ],
}


def test_good_quick_actions_are_kept_as_they_are() -> None:
    assert validate_quick_actions(ACTIONS) == ACTIONS
    assert validate_quick_actions({}) == {}


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"weekend": []}, "unknown context 'weekend' (use after_hours, product)"),
        (
            {"product": [{"label": "Go", "action": "link", "value": "javascript:alert(1)"}]},
            "product: 0: Value error, must be an http(s) URL or a path starting with /",
        ),
        (
            {"after_hours": [{"label": "Ask", "action": "message"}]},
            "after_hours: 0: Value error, a message button needs a value",
        ),
        ({"product": [{"label": "", "action": "human"}]}, "product: 0.label"),
        ({"product": [{"label": "x", "action": "human"}] * 9}, "product: at most 8 buttons"),
        ([], "must be an object"),
    ],
)
def test_bad_quick_actions_are_refused_by_context(raw: Any, problem: str) -> None:
    with pytest.raises(RichError) as caught:
        validate_quick_actions(raw)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("category", "entities"),
    [
        ("pricing", []),
        ("Products", []),
        ("plans", ["DATE"]),
        (None, ["PRODUCT"]),
        ("hours", ["PRODUCT"]),
    ],
)
def test_an_answer_about_a_product_gets_the_product_buttons(
    category: str | None, entities: list[str]
) -> None:
    block = product_buttons(ACTIONS, faq_category=category, entity_labels=entities)
    assert block == {"type": "buttons", "buttons": ACTIONS["product"]}
    assert validate_blocks([block]) == [block]  # a block the widget can show as it is


@pytest.mark.parametrize(
    ("actions", "category", "entities"),
    [
        (ACTIONS, "hours", []),
        (ACTIONS, None, ["LOCATION", "DATE"]),
        ({"after_hours": ACTIONS["after_hours"]}, "pricing", ["PRODUCT"]),
        ({}, "pricing", []),
    ],
)
def test_no_buttons_when_the_answer_is_not_about_a_product_or_none_are_set(
    actions: dict[str, Any], category: str | None, entities: list[str]
) -> None:
    assert product_buttons(actions, faq_category=category, entity_labels=entities) is None


def test_the_returned_block_does_not_share_the_settings_dicts() -> None:
    block = product_buttons(ACTIONS, faq_category="pricing", entity_labels=())
    assert block is not None
    block["buttons"][0]["label"] = "changed"
    assert ACTIONS["product"][0]["label"] == "Compare plans"
