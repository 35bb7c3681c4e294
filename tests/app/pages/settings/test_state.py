"""The settings form's rows as the owner fills them, turned into what BusinessUpdate checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.pages.settings.state import SettingsState, _button_of, _trigger_of, _trigger_row
from core.crud import business as business_crud
from core.models.business import BusinessUpdate
from core.models.users import UserRole
from tests.app.test_session_state import call, people, state_of

__all__ = ["people"]  # the fixture, shared with the permission tests

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


def test_an_owner_sets_telemetry_and_the_click_sample_and_a_wrong_share_is_named(
    engine: Engine, people: dict[str, str]
) -> None:
    settings = state_of(SettingsState, token=people[UserRole.OWNER])
    call(settings, "load")
    assert (settings.form["telemetry"], settings.form["click_sample_percent"]) == ("notice", "100")
    try:
        call(settings, "set_field", "telemetry", "consent")
        call(settings, "set_field", "click_sample_percent", "25")
        call(settings, "save", {})
        assert settings.error == "", settings.error
        with Session(engine) as session:
            business = business_crud.get_business(session=session)
            assert (business.telemetry, business.click_sample_rate) == ("consent", 0.25)

        call(settings, "set_field", "click_sample_percent", "150")
        call(settings, "save", {})
        assert "a number from 0 to 100" in settings.error
        call(settings, "set_field", "click_sample_percent", "a few")
        call(settings, "save", {})
        assert "a number from 0 to 100" in settings.error
    finally:
        call(settings, "set_field", "telemetry", "notice")
        call(settings, "set_field", "click_sample_percent", "100")
        call(settings, "save", {})
    assert settings.error == ""
