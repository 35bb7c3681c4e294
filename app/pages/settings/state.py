"""The settings page's state: the business and widget form, its trigger and quick-action rows, and
turning those rows into what `BusinessUpdate` checks."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from app.session_state import AuthState, guarded
from core.crud import audit
from core.crud import business as business_crud
from core.db import session_scope
from core.models.audit import AuditAction
from core.models.business import DAYS, BusinessUpdate
from core.models.users import UserRole

DAY_NAMES = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
FIELDS = ("name", "greeting", "timezone", "color", "position", "telemetry")
SAMPLE = "click_sample_percent"  # the form shows Business.click_sample_rate as a percentage
TRIGGER_FIELDS = ("name", "kind", "message", "url_pattern", "seconds")
BUTTON_FIELDS = ("label", "action", "value")
CONTEXTS = ("after_hours", "product")
MAX_ROWS = 20


def _trigger_row(trigger: dict[str, Any]) -> dict[str, str]:
    return {name: str(trigger.get(name) or "") for name in TRIGGER_FIELDS}


def _button_row(button: dict[str, Any]) -> dict[str, str]:
    return {name: str(button.get(name) or "") for name in BUTTON_FIELDS}


def _trigger_of(row: dict[str, str]) -> dict[str, Any]:
    """A form row as BusinessUpdate checks it: empty optional fields left out; seconds only
    where they apply (a number that does not parse is left for the check to name)."""
    trigger: dict[str, Any] = {"name": row["name"].strip(), "kind": row["kind"]}
    trigger["message"] = row["message"]
    if row["url_pattern"].strip():
        trigger["url_pattern"] = row["url_pattern"].strip()
    seconds = row["seconds"].strip()
    if row["kind"] == "time_on_page" and seconds:
        trigger["seconds"] = int(seconds) if seconds.isdigit() else seconds
    return trigger


def _button_of(row: dict[str, str]) -> dict[str, Any]:
    button: dict[str, Any] = {"label": row["label"].strip(), "action": row["action"]}
    if row["action"] in ("message", "link") and row["value"].strip():
        button["value"] = row["value"].strip()
    return button


class SettingsState(AuthState):
    form: dict[str, str] = {}
    triggers: list[dict[str, str]] = []
    qa_after_hours: list[dict[str, str]] = []
    qa_product: list[dict[str, str]] = []
    error: str = ""
    saved: str = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        with session_scope() as session:
            business = business_crud.get_business(session=session)
        form = {name: str(getattr(business, name)) for name in FIELDS}
        form[SAMPLE] = f"{business.click_sample_rate * 100:g}"
        for day in DAYS:
            form[day] = business.hours.get(day) or ""
        self.form, self.error, self.saved = form, "", ""
        self.triggers = [_trigger_row(t) for t in business.triggers or []]
        actions = business.quick_actions or {}
        self.qa_after_hours = [_button_row(b) for b in actions.get("after_hours", [])]
        self.qa_product = [_button_row(b) for b in actions.get("product", [])]

    @rx.event
    @guarded(UserRole.OWNER)
    def add_trigger(self) -> None:
        if len(self.triggers) < MAX_ROWS:
            self.triggers = [*self.triggers, _trigger_row({"kind": "time_on_page"})]
            self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def remove_trigger(self, index: int) -> None:
        self.triggers = [t for i, t in enumerate(self.triggers) if i != index]
        self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def set_trigger(self, index: int, name: str, value: str) -> None:
        if name in TRIGGER_FIELDS and 0 <= index < len(self.triggers):
            rows = list(self.triggers)
            rows[index] = {**rows[index], name: value}
            self.triggers, self.saved = rows, ""

    def _actions(self, context: str) -> list[dict[str, str]]:
        return list(getattr(self, f"qa_{context}"))

    @rx.event
    @guarded(UserRole.OWNER)
    def add_action(self, context: str) -> None:
        if context in CONTEXTS and len(self._actions(context)) < MAX_ROWS:
            rows = [*self._actions(context), _button_row({"action": "message"})]
            setattr(self, f"qa_{context}", rows)
            self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def remove_action(self, context: str, index: int) -> None:
        if context in CONTEXTS:
            rows = [b for i, b in enumerate(self._actions(context)) if i != index]
            setattr(self, f"qa_{context}", rows)
            self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def set_action(self, context: str, index: int, name: str, value: str) -> None:
        if context in CONTEXTS and name in BUTTON_FIELDS:
            rows = self._actions(context)
            if 0 <= index < len(rows):
                rows[index] = {**rows[index], name: value}
                setattr(self, f"qa_{context}", rows)
                self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS or name in DAYS or name == SAMPLE:
            self.form = {**self.form, name: value}
            self.saved = ""

    @rx.event
    @guarded(UserRole.OWNER)
    def save(self, _form: dict[str, Any]) -> None:
        values: dict[str, Any] = {name: self.form.get(name, "") for name in FIELDS}
        try:
            percent = float(self.form.get(SAMPLE, ""))
        except ValueError:
            percent = -1.0
        if not 0 <= percent <= 100:
            self.error = "Page views whose widget clicks are recorded: a number from 0 to 100."
            self.saved = ""
            return
        values["click_sample_rate"] = percent / 100
        try:
            update = BusinessUpdate.model_validate(
                {
                    **values,
                    "hours": {day: self.form.get(day, "") for day in DAYS},
                    "triggers": [_trigger_of(row) for row in self.triggers],
                    "quick_actions": {
                        context: [_button_of(row) for row in self._actions(context)]
                        for context in CONTEXTS
                        if self._actions(context)
                    },
                }
            )
        except ValidationError as error:
            self.error = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                for e in error.errors()
            )
            self.saved = ""
            return
        actor = self._actor()
        with session_scope() as session:
            changed = business_crud.changed_settings(session=session, business_in=update)
            business_crud.update_business(session=session, business_in=update)
            if changed:
                audit.record_action(
                    session=session,
                    action=AuditAction.SETTINGS_CHANGE,
                    actor=actor,
                    details={"fields": changed},
                )
        self.error = ""
        self.saved = "Saved. The widget shows the new settings the next time it loads."
