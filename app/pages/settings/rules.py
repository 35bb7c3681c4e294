"""Settings editors for the widget's proactive triggers and quick-action buttons.

Rows are plain string dicts in the page's state; every control has a visible label tied to it by
id, and a row's controls sit in a fieldset named after the row ("Trigger 2")."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components import labelled
from app.pages.settings.state import SettingsState

TRIGGER_KINDS = (
    ("time_on_page", "After some time on the page"),
    ("exit_intent", "When the visitor is about to leave"),
    ("scroll_bottom", "When the visitor reaches the end of the page"),
    ("manual", "Only when the site fires it"),
)
BUTTON_ACTIONS = (
    ("message", "Send a message"),
    ("link", "Open a link"),
    ("contact_form", "Show the contact form"),
    ("human", "Ask for a person"),
)
CONTEXTS = (
    ("after_hours", "Outside opening hours", "Offered while the business is closed."),
    ("product", "With answers about products", "Added to the bot's answers about products."),
)


def _text(
    label: str, field_id: Any, value: Any, on_change: Any, hint: str = "", **props: Any
) -> rx.Component:
    control = rx.input(
        id=field_id, name=field_id, value=value, on_change=on_change, width="100%", **props
    )
    return labelled(label, control, html_for=field_id, hint=hint)


def _select(
    label: str, field_id: Any, value: Any, on_change: Any, options: tuple[tuple[str, str], ...]
) -> rx.Component:
    control = rx.el.select(
        *[rx.el.option(text, value=key) for key, text in options],
        id=field_id,
        name=field_id,
        value=value,
        on_change=on_change,
        class_name="native-select",
        # As wide as its column: its longest choice would otherwise push it out of the card.
        width="100%",
    )
    return labelled(label, control, html_for=field_id)


def _remove_button(label: str, on_click: Any) -> rx.Component:
    return rx.button(
        "Remove",
        type="button",
        size="1",
        variant="soft",
        color_scheme="red",
        on_click=on_click,
        aria_label=label,
    )


def _trigger(row: Any, index: Any) -> rx.Component:
    number = index + 1
    prefix = f"trigger-{index}"

    def set_to(name: str) -> Any:
        return lambda v: SettingsState.set_trigger(index, name, v)

    return rx.el.fieldset(
        rx.el.legend(rx.text(f"Trigger {number}", weight="bold")),
        rx.grid(
            _text(
                "Name", f"{prefix}-name", row["name"], set_to("name"), "A slug like pricing-help."
            ),
            _select("When", f"{prefix}-kind", row["kind"], set_to("kind"), TRIGGER_KINDS),
            _text(
                "Pages",
                f"{prefix}-url",
                row["url_pattern"],
                set_to("url_pattern"),
                "A path; * matches anything, like /pricing*.",
                placeholder="every page",
            ),
            _text(
                "Seconds on the page",
                f"{prefix}-seconds",
                row["seconds"],
                set_to("seconds"),
                "1 to 3600; only for “after some time”.",
                input_mode="numeric",
                disabled=row["kind"] != "time_on_page",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        _text("Message", f"{prefix}-message", row["message"], set_to("message"), max_length=300),
        _remove_button(f"Remove trigger {number}", SettingsState.remove_trigger(index)),
        class_name="settings-row",
        data_testid="trigger-row",
    )


def _button_row(context: str, row: Any, index: Any) -> rx.Component:
    number = index + 1
    prefix = f"qa-{context}-{index}"

    def set_to(name: str) -> Any:
        return lambda v: SettingsState.set_action(context, index, name, v)

    return rx.el.fieldset(
        rx.el.legend(rx.text(f"Button {number}", weight="bold")),
        rx.grid(
            _text("Label", f"{prefix}-label", row["label"], set_to("label"), max_length=60),
            _select("Action", f"{prefix}-action", row["action"], set_to("action"), BUTTON_ACTIONS),
            _text(
                "Message or link",
                f"{prefix}-value",
                row["value"],
                set_to("value"),
                "The text sent, or a URL or /path.",
                disabled=(row["action"] == "contact_form") | (row["action"] == "human"),
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="3",
            width="100%",
        ),
        _remove_button(f"Remove button {number}", SettingsState.remove_action(context, index)),
        class_name="settings-row",
    )


def _rows_of(context: str) -> Any:
    return lambda row, i: _button_row(context, row, i)


def triggers_editor() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.heading("Proactive messages", as_="h2", size="4")),
        rx.text(
            "The widget opens with one of these messages when its moment comes, once per visit.",
            size="2",
            color_scheme="gray",
        ),
        rx.foreach(SettingsState.triggers, lambda row, i: _trigger(row, i)),
        rx.button(
            "Add a proactive message",
            type="button",
            variant="soft",
            on_click=SettingsState.add_trigger,
        ),
        border="none",
        padding="0",
        width="100%",
        data_testid="triggers",
    )


def quick_actions_editor() -> rx.Component:
    groups = []
    for context, title, hint in CONTEXTS:
        rows = getattr(SettingsState, f"qa_{context}")
        groups.append(
            rx.el.section(
                rx.heading(title, as_="h3", size="3"),
                rx.text(hint, size="2", color_scheme="gray"),
                rx.foreach(rows, _rows_of(context)),
                rx.button(
                    "Add a button",
                    type="button",
                    variant="soft",
                    on_click=SettingsState.add_action(context),
                    aria_label=f"Add a button: {title.lower()}",
                ),
                aria_label=f"Quick actions: {title.lower()}",
                data_testid=f"quick-actions-{context}",
                width="100%",
            )
        )
    return rx.el.fieldset(
        rx.el.legend(rx.heading("Quick actions", as_="h2", size="4")),
        *groups,
        border="none",
        padding="0",
        width="100%",
    )
