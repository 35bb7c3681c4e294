"""The shared labelled field: a label tied to its control, so clicking it (or a screen reader)
finds the field."""

from __future__ import annotations

import reflex as rx

from app.components import labelled


def test_the_label_names_its_control_and_the_hint_shows_under_it() -> None:
    field = str(
        labelled("Greeting", rx.input(id="greeting"), html_for="greeting", hint="First message.")
    )
    assert 'htmlFor:"greeting"},"Greeting")' in field
    assert field.index('"Greeting"') < field.index('id:"greeting"') < field.index("First message.")


def test_a_hidden_label_is_still_there_for_screen_readers() -> None:
    field = str(labelled("Search", rx.input(id="q"), html_for="q", hide_label=True))
    assert 'className:"visually-hidden",htmlFor:"q"},"Search")' in field
    assert "rx-Stack" not in field  # no column of its own: it sits in the toolbar's row


def test_no_hint_means_no_empty_line_under_the_field() -> None:
    assert 'size:"1"' not in str(labelled("Name", rx.input(id="n"), html_for="n"))
