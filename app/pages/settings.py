"""Settings (owners): business name, hours and time zone, the widget's colour, side and greeting."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from app.auth import AuthState, guarded
from app.template import page
from core.crud import business as business_crud
from core.db import session_scope
from core.models.business import DAYS, BusinessUpdate
from core.models.users import UserRole

DAY_NAMES = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
FIELDS = ("name", "greeting", "timezone", "color", "position")


class SettingsState(AuthState):
    form: dict[str, str] = {}
    error: str = ""
    saved: str = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        with session_scope() as session:
            business = business_crud.get_business(session=session)
        form = {name: str(getattr(business, name)) for name in FIELDS}
        for day in DAYS:
            form[day] = business.hours.get(day) or ""
        self.form, self.error, self.saved = form, "", ""

    @rx.event
    @guarded(UserRole.OWNER)
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS or name in DAYS:
            self.form = {**self.form, name: value}
            self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def save(self, _form: dict[str, Any]) -> None:
        values = {name: self.form.get(name, "") for name in FIELDS}
        try:
            update = BusinessUpdate.model_validate(
                {**values, "hours": {day: self.form.get(day, "") for day in DAYS}}
            )
        except ValidationError as error:
            self.error = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                for e in error.errors()
            )
            self.saved = ""
            return
        with session_scope() as session:
            business_crud.update_business(session=session, business_in=update)
        self.error = ""
        self.saved = "Saved. The widget shows the new settings the next time it loads."


def _input(name: str, label: str, hint: str = "", **props: Any) -> rx.Component:
    field_id = f"settings-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500"),
        rx.input(
            id=field_id,
            name=field_id,
            value=SettingsState.form[name],
            on_change=lambda v: SettingsState.set_field(name, v),
            width="100%",
            **props,
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


@page("Settings")
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
                rx.el.label("Position", html_for="settings-position", font_weight="500"),
                rx.el.select(
                    rx.el.option("Bottom right", value="right"),
                    rx.el.option("Bottom left", value="left"),
                    id="settings-position",
                    name="settings-position",
                    class_name="native-select",
                    value=SettingsState.form["position"],
                    on_change=lambda v: SettingsState.set_field("position", v),
                ),
                border="none",
                padding="0",
                width="100%",
            ),
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
