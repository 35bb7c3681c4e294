"""The owner's settings: what the settings form refuses, how it tidies input, and that it is saved."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.crud import business as business_crud
from core.db import session_scope
from core.models.business import Business, BusinessUpdate

GOOD: dict[str, Any] = {
    "name": "Harbourside Bikes",
    "greeting": "Hi!",
    "timezone": "America/Halifax",
    "color": "#0b6e4f",
    "position": "right",
    "hours": {"mon": "09:00-18:00", "sun": None},
}


def error_of(**changes: object) -> tuple[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as caught:
        BusinessUpdate.model_validate(GOOD | changes)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]["loc"], errors[0]["msg"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "unknown time zone 'Mars/Olympus_Mons'"),
        ({"timezone": "america/halifax"}, "timezone", "use a name like Europe/London"),
        ({"color": "green"}, "color", "use a colour like #0b6e4f"),
        ({"color": "#0b6e4"}, "color", "use a colour like #0b6e4f"),
        ({"position": "top"}, "position", "must be left or right"),
        ({"hours": {"mon": "9-5"}}, "hours", "mon: write opening hours as 09:00-17:00"),
        ({"hours": {"tue": "09:00-25:00"}}, "hours", "tue: write opening hours as 09:00-17:00"),
        (
            {"hours": {"fri": "18:00-09:00"}},
            "hours",
            "fri: closing time must be after opening time",
        ),
        (
            {"hours": {"sat": "10:00-10:00"}},
            "hours",
            "sat: closing time must be after opening time",
        ),
        ({"name": "   "}, "name", "must not be empty"),
        ({"name": ""}, "name", "at least 1 character"),
        ({"greeting": "\n"}, "greeting", "must not be empty"),
    ],
)
def test_bad_settings_are_refused_with_a_message_naming_the_problem(
    changes: dict[str, object], field: str, message: str
) -> None:
    loc, msg = error_of(**changes)
    assert loc == (field,)
    assert message in msg


def test_good_settings_are_tidied_before_saving() -> None:
    update = BusinessUpdate.model_validate(
        GOOD
        | {
            "name": "  Harbourside Bikes ",
            "color": "#0B6E4F",
            "hours": {"mon": " 09:00 - 18:00 ", "tue": "", "sat": "10:00-17:00"},
        }
    )
    assert update.name == "Harbourside Bikes"
    assert update.color == "#0b6e4f"
    # Every day is present; a blank or missing day is closed (None).
    assert update.hours == {
        "mon": "09:00-18:00",
        "tue": None,
        "wed": None,
        "thu": None,
        "fri": None,
        "sat": "10:00-17:00",
        "sun": None,
    }


@pytest.fixture
def original_business(engine: Engine) -> Iterator[BusinessUpdate]:
    """The seeded business's settings, put back afterwards: the database is shared by the run."""
    with Session(engine) as session:
        before = BusinessUpdate.model_validate(
            business_crud.get_business(session=session), from_attributes=True
        )
    yield before
    with session_scope(engine) as session:
        business_crud.update_business(session=session, business_in=before)


def test_saved_settings_are_read_back_by_a_new_session(
    engine: Engine, original_business: BusinessUpdate
) -> None:
    update = BusinessUpdate.model_validate(
        {
            "name": "Harbourside Bikes & Boats",
            "greeting": "Ahoy! Ask about bikes or boats.",
            "timezone": "Europe/Lisbon",
            "color": "#AA3300",
            "position": "left",
            "hours": {"mon": "08:30-17:30", "sat": ""},
        }
    )
    with session_scope(engine) as session:
        business_crud.update_business(session=session, business_in=update)

    with Session(engine) as session:
        saved = business_crud.get_business(session=session)
        assert len(session.exec(select(Business)).all()) == 1  # updated, not a second row
        assert (saved.name, saved.greeting, saved.timezone, saved.color, saved.position) == (
            "Harbourside Bikes & Boats",
            "Ahoy! Ask about bikes or boats.",
            "Europe/Lisbon",
            "#aa3300",
            "left",
        )
        assert saved.hours["mon"] == "08:30-17:30"
        assert saved.hours["sat"] is None
        assert saved.hours["sun"] is None
        # Fields the settings page does not edit are kept.
        assert saved.default_language == "en"
        assert saved.products, "the demo products were lost"
        assert original_business.name == "Harbourside Bikes"


def test_triggers_and_quick_actions_are_checked_with_the_settings() -> None:
    loc, msg = error_of(triggers=[{"name": "x", "kind": "time_on_page", "message": "Hi"}])
    assert loc == ("triggers",)
    assert "trigger 1 (x): a time_on_page trigger needs seconds (1 to 3600)" in msg
    assert "Value error, Value error" not in msg
    loc, msg = error_of(quick_actions={"evening": []})
    assert loc == ("quick_actions",)
    assert "unknown context 'evening' (use after_hours, product)" in msg
    loc, msg = error_of(
        quick_actions={"product": [{"label": "Plans", "action": "link", "value": "ftp://x"}]}
    )
    assert "product: 0: must be an http(s) URL or a path starting with /" in msg


def test_triggers_and_quick_actions_are_saved_and_kept_when_not_sent(
    engine: Engine, original_business: BusinessUpdate
) -> None:
    assert original_business.triggers, "the demo triggers were not seeded"
    assert original_business.quick_actions, "the demo quick actions were not seeded"
    triggers = [{"name": "bye", "kind": "exit_intent", "message": " Leaving already? "}]
    actions = {"after_hours": [{"label": "Call me back", "action": "contact_form"}]}
    with session_scope(engine) as session:
        business_crud.update_business(
            session=session,
            business_in=BusinessUpdate.model_validate(
                GOOD | {"triggers": triggers, "quick_actions": actions}
            ),
        )
    with Session(engine) as session:
        saved = business_crud.get_business(session=session)
        assert saved.triggers == [
            {"name": "bye", "kind": "exit_intent", "message": "Leaving already?"}
        ]
        assert saved.quick_actions == actions

    # A form that does not send them (None) leaves them as they are.
    with session_scope(engine) as session:
        business_crud.update_business(
            session=session, business_in=BusinessUpdate.model_validate(GOOD)
        )
    with Session(engine) as session:
        saved = business_crud.get_business(session=session)
        assert saved.triggers[0]["name"] == "bye"
        assert saved.quick_actions == actions
