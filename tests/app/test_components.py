"""The shared pieces of the admin pages: a label tied to its control, so clicking it (or a
screen reader) finds the field; the keyed table and the card grid many pages draw."""

from __future__ import annotations

import reflex as rx

from app.components import figure_cards, keyed_table, labelled


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


ROWS = rx.Var.create([{"step": "faq", "visitors": "3", "label": "Saved", "value": "1", "help": ""}])


def test_a_keyed_table_gets_its_action_column_only_when_it_has_an_action() -> None:
    plain = str(keyed_table("Steps", ("Step", "Visitors"), ROWS, ("step", "visitors")))
    listed = str(
        keyed_table(
            "Steps",
            ("Step", "Visitors"),
            ROWS,
            ("step", "visitors"),
            action=lambda item, index: rx.button("Conversations"),
            action_header="List",
            data_name="step",
        )
    )
    assert '"List")' not in plain and '"Conversations")' not in plain
    assert '"List")' in listed and '"Conversations")' in listed
    assert '"data-step":' in listed and '"data-step":' not in plain


def test_state_computed_cards_carry_their_label_only_when_asked() -> None:
    assert '"data-figure":' in str(figure_cards(ROWS, label_attr="figure"))
    assert '"data-' not in str(figure_cards(ROWS))
