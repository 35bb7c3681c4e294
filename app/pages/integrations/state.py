"""The integrations page's state: each channel set up or not (and what to set), its credentials
form (secrets never sent to the browser: only whether one is set and its last characters), the
CRMs' field mappings, and the owner's test of one channel, which talks to the service now with
the configuration in force and shows its answer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.session_state import AuthState, guarded
from core.db import session_scope
from core.integrations import checks, config, crm_fields
from core.models.users import UserRole
from core.settings import Settings, get_settings


def _shown(value: Any) -> str:
    """A setting's value as a form field holds it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class IntegrationsState(AuthState):
    # By channel key: "Set up", or what is missing.
    status: dict[str, str] = {}
    # The last test's answer, by channel key: "ok" or "failed", and what the service said.
    results: dict[str, str] = {}
    outcomes: dict[str, str] = {}
    events_url: str = ""
    replies_on: bool = False
    # The form, by setting name: what the owner saved here (a secret: only what they type).
    values: dict[str, str] = {}
    # The server's own value of a setting that is not secret, shown as the field's placeholder.
    server: dict[str, str] = {}
    # By secret's name: "set here, ending …1234", "set in the server's settings", "not set".
    secrets: dict[str, str] = {}
    saved_here: dict[str, bool] = {}
    # The CRMs' mappings, by "<crm>:<our field>": the CRM's field ("" when not sent).
    maps: dict[str, str] = {}
    # By form ("slack", ..., "hubspot-map"): what saving said, and whether it was refused.
    notes: dict[str, str] = {}
    refused: dict[str, bool] = {}

    def _fill(self, settings: Settings, saved: dict[str, str]) -> None:
        now = config.merged(settings, saved)
        self.status = {
            channel.key: "Set up"
            if not checks.missing(channel, now)
            else "Not set up: set " + ", ".join(checks.missing(channel, now))
            for channel in checks.CHANNELS
        }
        self.values = {
            name: "" if item.secret else saved.get(name, "")
            for name, item in config.SETTINGS.items()
        }
        self.server = {name: _shown(getattr(settings, name)) for name in config.SETTINGS}
        self.secrets = {
            name: (
                f"{config.masked(getattr(now, name))} "
                f"({'saved here' if name in saved else 'from the server settings'})"
                if getattr(now, name)
                else "not set"
            )
            for name, item in config.SETTINGS.items()
            if item.secret
        }
        self.saved_here = {name: name in saved for name in config.SETTINGS}
        self.maps = {
            f"{crm}:{source}": getattr(now, setting).get(source, "")
            for crm, setting in config.FIELD_MAPS.items()
            for source in crm_fields.SOURCES
        }
        self.events_url = f"{settings.CHAT_PUBLIC_URL}/api/slack/events"
        self.replies_on = bool(now.SLACK_SIGNING_SECRET)

    def _reload(self) -> None:
        with session_scope() as session:
            saved = config.stored(session=session)
        self._fill(get_settings(), saved)

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        self.notes, self.refused, self.results, self.outcomes = {}, {}, {}, {}
        self._reload()

    @rx.event
    @guarded(UserRole.OWNER)
    def set_value(self, name: str, value: str) -> None:
        if name in config.SETTINGS:
            self.values = {**self.values, name: value}

    @rx.event
    @guarded(UserRole.OWNER)
    def set_map(self, key: str, value: str) -> None:
        if key in self.maps:
            self.maps = {**self.maps, key: value}

    def _change(self, form: str, changes: dict[str, str | None], crm: str = "") -> None:
        actor = self._actor()
        try:
            with session_scope() as session:
                if crm:
                    mapping = None if not changes else {k: v or "" for k, v in changes.items()}
                    changed = config.save_field_map(
                        session=session,
                        settings=get_settings(),
                        crm=crm,
                        mapping=mapping,
                        actor=actor,
                    )
                else:
                    changed = config.save(
                        session=session,
                        settings=get_settings(),
                        changes=changes,
                        actor=actor,
                        channel=form,
                    )
        except config.ConfigError as error:
            self.notes = {**self.notes, form: f"Not saved: {error}"}
            self.refused = {**self.refused, form: True}
            return
        said = "Saved: " + ", ".join(changed) + "." if changed else "Nothing to change."
        self.notes = {**self.notes, form: said}
        self.refused = {**self.refused, form: False}
        self._reload()

    @rx.event
    @guarded(UserRole.OWNER)
    def save(self, channel: str) -> None:
        fields = config.FORM.get(channel, ())
        self._change(channel, {item.name: self.values.get(item.name, "") for item in fields})

    @rx.event
    @guarded(UserRole.OWNER)
    def clear(self, channel: str, name: str) -> None:
        if any(item.name == name for item in config.FORM.get(channel, ())):
            self._change(channel, {name: None})

    @rx.event
    @guarded(UserRole.OWNER)
    def save_map(self, crm: str) -> None:
        if crm in config.FIELD_MAPS:
            mapping: dict[str, str | None] = {
                source: self.maps.get(f"{crm}:{source}", "").strip()
                for source in crm_fields.SOURCES
                if self.maps.get(f"{crm}:{source}", "").strip()
            }
            # An empty mapping sends only the e-mail address; say so rather than fall back.
            if not mapping:
                self.notes = {**self.notes, f"{crm}-map": "Not saved: map at least one field."}
                self.refused = {**self.refused, f"{crm}-map": True}
                return
            self._change(f"{crm}-map", mapping, crm=crm)

    @rx.event
    @guarded(UserRole.OWNER)
    def reset_map(self, crm: str) -> None:
        if crm in config.FIELD_MAPS:
            self._change(f"{crm}-map", {}, crm=crm)

    @rx.event
    @guarded(UserRole.OWNER)
    def test(self, key: str) -> None:
        with session_scope() as session:
            settings = config.effective(session=session, settings=get_settings())
        result = checks.run(key, settings)
        self.results = {**self.results, key: result.said}
        self.outcomes = {**self.outcomes, key: "ok" if result.ok else "failed"}
