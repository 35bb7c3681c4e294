"""Settings editors for the widget's proactive triggers and quick-action buttons.

Rows are plain string dicts in the page's state; every control has a visible label tied to it by
id, and a row's controls sit in a fieldset named after the row ("Trigger 2")."""

from __future__ import annotations

from typing import Any

import reflex as rx

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


def _labelled(label: str, field_id: Any, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500"),
        control,
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _text(field_id: Any, value: Any, on_change: Any, **props: Any) -> rx.Component:
    return rx.input(
        id=field_id, name=field_id, value=value, on_change=on_change, width="100%", **props
    )


def _select(
    field_id: Any, value: Any, on_change: Any, options: tuple[tuple[str, str], ...]
) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(text, value=key) for key, text in options],
        id=field_id,
        name=field_id,
        value=value,
        on_change=on_change,
        class_name="native-select",
    )


def _trigger(row: Any, index: Any) -> rx.Component:
    number = index + 1
    prefix = f"trigger-{index}"
    return rx.el.fieldset(
        rx.el.legend(rx.text(f"Trigger {number}", weight="bold")),
        rx.grid(
            _labelled(
                "Name",
                f"{prefix}-name",
                _text(
                    f"{prefix}-name",
                    row["name"],
                    lambda v: SettingsState.set_trigger(index, "name", v),
                ),
                "A slug like pricing-help.",
            ),
            _labelled(
                "When",
                f"{prefix}-kind",
                _select(
                    f"{prefix}-kind",
                    row["kind"],
                    lambda v: SettingsState.set_trigger(index, "kind", v),
                    TRIGGER_KINDS,
                ),
            ),
            _labelled(
                "Pages",
                f"{prefix}-url",
                _text(
                    f"{prefix}-url",
                    row["url_pattern"],
                    lambda v: SettingsState.set_trigger(index, "url_pattern", v),
                    placeholder="every page",
                ),
                "A path; * matches anything, like /pricing*.",
            ),
            _labelled(
                "Seconds on the page",
                f"{prefix}-seconds",
                _text(
                    f"{prefix}-seconds",
                    row["seconds"],
                    lambda v: SettingsState.set_trigger(index, "seconds", v),
                    input_mode="numeric",
                    disabled=row["kind"] != "time_on_page",
                ),
                "1 to 3600; only for “after some time”.",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        _labelled(
            "Message",
            f"{prefix}-message",
            _text(
                f"{prefix}-message",
                row["message"],
                lambda v: SettingsState.set_trigger(index, "message", v),
                max_length=300,
            ),
        ),
        rx.button(
            "Remove",
            type="button",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=SettingsState.remove_trigger(index),
            aria_label=f"Remove trigger {number}",
        ),
        class_name="settings-row",
        data_testid="trigger-row",
    )


def _button_row(context: str, row: Any, index: Any) -> rx.Component:
    number = index + 1
    prefix = f"qa-{context}-{index}"
    return rx.el.fieldset(
        rx.el.legend(rx.text(f"Button {number}", weight="bold")),
        rx.grid(
            _labelled(
                "Label",
                f"{prefix}-label",
                _text(
                    f"{prefix}-label",
                    row["label"],
                    lambda v: SettingsState.set_action(context, index, "label", v),
                    max_length=60,
                ),
            ),
            _labelled(
                "Action",
                f"{prefix}-action",
                _select(
                    f"{prefix}-action",
                    row["action"],
                    lambda v: SettingsState.set_action(context, index, "action", v),
                    BUTTON_ACTIONS,
                ),
            ),
            _labelled(
                "Message or link",
                f"{prefix}-value",
                _text(
                    f"{prefix}-value",
                    row["value"],
                    lambda v: SettingsState.set_action(context, index, "value", v),
                    disabled=(row["action"] == "contact_form") | (row["action"] == "human"),
                ),
                "The text sent, or a URL or /path.",
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.button(
            "Remove",
            type="button",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=SettingsState.remove_action(context, index),
            aria_label=f"Remove button {number}",
        ),
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
