"""Settings (owners): business name, hours and time zone, the widget's colour, side and greeting,
its proactive messages (triggers) and quick-action buttons."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components import labelled
from app.pages.settings import rules
from app.pages.settings.state import DAY_NAMES, SettingsState
from app.registry import admin_page
from core.models.business import DAYS
from core.models.users import UserRole


def _input(name: str, label: str, hint: str = "", **props: Any) -> rx.Component:
    field_id = f"settings-{name}"
    control = rx.input(
        id=field_id,
        name=field_id,
        value=SettingsState.form[name],
        on_change=lambda v: SettingsState.set_field(name, v),
        width="100%",
        **props,
    )
    return labelled(label, control, html_for=field_id, hint=hint)


def _position() -> rx.Component:
    control = rx.el.select(
        rx.el.option("Bottom right", value="right"),
        rx.el.option("Bottom left", value="left"),
        id="settings-position",
        name="settings-position",
        class_name="native-select",
        value=SettingsState.form["position"],
        on_change=lambda v: SettingsState.set_field("position", v),
    )
    return labelled("Position", control, html_for="settings-position")


def _telemetry() -> rx.Component:
    control = rx.el.select(
        rx.el.option("On, and the chat says so (visitors may refuse)", value="notice"),
        rx.el.option(
            "Only with the visitor's consent (asked in the chat, or the site's SupportChat.consent)",
            value="consent",
        ),
        rx.el.option("Off", value="off"),
        id="settings-telemetry",
        name="settings-telemetry",
        class_name="native-select",
        value=SettingsState.form["telemetry"],
        on_change=lambda v: SettingsState.set_field("telemetry", v),
    )
    return labelled(
        "Record widget clicks and the site's tracked steps",
        control,
        html_for="settings-telemetry",
        hint="Never for visitors whose browser sends Do Not Track or Global Privacy Control. "
        "No message text and no IP address is recorded.",
        hint_id="settings-telemetry-hint",
    )


@admin_page(
    route="/settings",
    title="Settings",
    nav_group="Administration",
    icon="settings",
    role=UserRole.OWNER,
    order=1,
    on_load=SettingsState.load,
)
def settings_page() -> rx.Component:
    hours = [_input(day, DAY_NAMES[day], placeholder="closed") for day in DAYS]
    return rx.form.root(
        rx.vstack(
            rx.el.fieldset(
                rx.el.legend(rx.heading("Business", as_="h2", size="4")),
                _input("name", "Business name"),
                _input("greeting", "Greeting", "The widget's first message."),
                _input("timezone", "Time zone", "A name like America/Halifax or Europe/London."),
                border="none",
                padding="0",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(rx.heading("Opening hours", as_="h2", size="4")),
                rx.text(
                    "Like 09:00-17:00 in the business's time zone; empty means closed.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.grid(*hours, columns=rx.breakpoints(initial="2", md="4"), spacing="3"),
                border="none",
                padding="0",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(rx.heading("Widget", as_="h2", size="4")),
                _input("color", "Colour", "Launcher and header colour, like #0b6e4f."),
                _position(),
                border="none",
                padding="0",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(rx.heading("Analytics", as_="h2", size="4")),
                _telemetry(),
                _input(
                    "click_sample_percent",
                    "Page views whose widget clicks are recorded (%)",
                    "100 records every click; lower it on a busy site. Tracked steps are always "
                    "recorded.",
                    inputmode="decimal",
                ),
                border="none",
                padding="0",
                width="100%",
            ),
            rules.triggers_editor(),
            rules.quick_actions_editor(),
            rx.cond(
                SettingsState.error != "",
                rx.callout(SettingsState.error, color_scheme="red", role="alert", width="100%"),
            ),
            rx.cond(
                SettingsState.saved != "",
                rx.callout(SettingsState.saved, color_scheme="green", role="status", width="100%"),
            ),
            rx.button("Save settings", type="submit", size="3"),
            spacing="4",
            max_width="48em",
        ),
        on_submit=SettingsState.save,
        reset_on_submit=False,
    )
