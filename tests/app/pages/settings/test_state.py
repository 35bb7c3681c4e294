"""The settings form's rows as the owner fills them, turned into what BusinessUpdate checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.pages.settings.state import _button_of, _trigger_of, _trigger_row
from core.models.business import BusinessUpdate

BASE = {
    "name": "Harbourside Bikes",
    "greeting": "Hi!",
    "timezone": "UTC",
    "color": "#0b6e4f",
    "position": "right",
    "hours": {},
}


def row(**values: str) -> dict[str, str]:
    return _trigger_row({"kind": "time_on_page"}) | values


def test_empty_optional_fields_and_seconds_that_do_not_apply_are_left_out() -> None:
    assert _trigger_of(row(name=" exit ", kind="exit_intent", message="Bye?", seconds="30")) == {
        "name": "exit",
        "kind": "exit_intent",
        "message": "Bye?",
    }
    assert _trigger_of(row(name="p", message="Hi", url_pattern=" /p* ", seconds="30")) == {
        "name": "p",
        "kind": "time_on_page",
        "message": "Hi",
        "url_pattern": "/p*",
        "seconds": 30,
    }
    assert _button_of({"label": " Call me ", "action": "human", "value": "ignored"}) == {
        "label": "Call me",
        "action": "human",
    }
    assert _button_of({"label": "Go", "action": "link", "value": " /pricing "})["value"] == (
        "/pricing"
    )


def test_seconds_that_are_not_a_number_are_named_by_the_check() -> None:
    with pytest.raises(ValidationError) as caught:
        BusinessUpdate.model_validate(
            BASE | {"triggers": [_trigger_of(row(name="p", message="Hi", seconds="half a min"))]}
        )
    assert "trigger 1 (p), seconds: Input should be a valid integer" in str(caught.value)
