"""Proactive triggers an owner sets: what is refused, with which message, and what is stored."""

from __future__ import annotations

from typing import Any

import pytest

from core.content.triggers import MAX_TRIGGERS, TriggerError, validate_triggers

PRICING: dict[str, Any] = {
    "name": "pricing-help",
    "kind": "time_on_page",
    "url_pattern": "/pricing*",
    "seconds": 30,
    "message": "Questions about our plans? I can help.",
}


def test_good_triggers_are_stored_without_empty_optional_fields() -> None:
    stored = validate_triggers(
        [
            PRICING,
            {
                "name": "exit",
                "kind": "exit_intent",
                "message": "  Leaving so soon? ",
                "url_pattern": " ",
            },
            {"name": "bottom-2", "kind": "scroll_bottom", "message": "Found what you need?"},
            {"name": "manual", "kind": "manual", "message": "Hi!"},
        ]
    )
    assert stored[0] == PRICING
    assert stored[1] == {"name": "exit", "kind": "exit_intent", "message": "Leaving so soon?"}
    assert [t["kind"] for t in stored] == ["time_on_page", "exit_intent", "scroll_bottom", "manual"]


@pytest.mark.parametrize(
    ("trigger", "problem"),
    [
        ({"name": "Pricing Help"}, "trigger 2 (Pricing Help), name: use lowercase letters"),
        ({"kind": "on_hover"}, "trigger 2 (pricing-help), kind: Input should be"),
        ({"message": ""}, "message: String should have at least 1 character"),
        ({"message": "   "}, "message: must not be empty"),
        ({"message": "x" * 301}, "message: String should have at most 300 characters"),
        ({"url_pattern": "pricing*"}, "url_pattern: must be a page path starting with /"),
        ({"seconds": 0}, "seconds: Input should be greater than or equal to 1"),
        ({"seconds": 3601}, "seconds: Input should be less than or equal to 3600"),
        ({"seconds": None}, "a time_on_page trigger needs seconds (1 to 3600)"),
        ({"kind": "manual"}, "seconds only applies to time_on_page, not manual"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_a_bad_trigger_is_refused_naming_the_trigger_and_the_problem(
    trigger: dict[str, Any], problem: str
) -> None:
    with pytest.raises(TriggerError) as caught:
        validate_triggers([{"name": "ok", "kind": "manual", "message": "Hi"}, PRICING | trigger])
    assert problem in str(caught.value)
    assert str(caught.value).startswith("trigger 2")


def test_names_must_be_unique_and_the_list_short() -> None:
    with pytest.raises(TriggerError, match="two triggers are named 'pricing-help'"):
        validate_triggers([PRICING, PRICING | {"seconds": 60}])
    many = [PRICING | {"name": f"t{i}"} for i in range(MAX_TRIGGERS + 1)]
    with pytest.raises(TriggerError, match=f"at most {MAX_TRIGGERS} triggers"):
        validate_triggers(many)
    with pytest.raises(TriggerError, match="valid list"):
        validate_triggers({"name": "not-a-list"})
