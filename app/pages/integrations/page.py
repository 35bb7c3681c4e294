"""Integrations (owners only): Slack, SMS, e-mail and the CRMs, each with what it is sent,
whether it is set up, its credentials (saved here encrypted, over the server's settings; a
secret is never shown back), the CRMs' field mappings, and Send test, which shows the service's
own answer."""

from __future__ import annotations

import reflex as rx

from app.components import labelled
from app.pages.integrations.state import IntegrationsState
from app.registry import admin_page
from core.integrations import checks, config, crm_fields
from core.models.users import UserRole

State = IntegrationsState


def _note(form: str) -> rx.Component:
    said = State.notes[form]
    return rx.cond(
        said,
        rx.callout(
            said,
            role=rx.cond(State.refused[form], "alert", "status"),
            color_scheme=rx.cond(State.refused[form], "red", "green"),
            high_contrast=True,
        ),
    )


def _field(channel: str, item: config.Setting) -> rx.Component:
    field_id = f"setting-{item.name.lower()}"
    if item.secret:
        return labelled(
            item.label,
            rx.input(
                id=field_id,
                type="password",
                value=State.values[item.name],
                on_change=lambda value: State.set_value(item.name, value),
                placeholder="leave empty to keep",
                auto_complete="off",
                width="100%",
            ),
            rx.hstack(
                rx.text(State.secrets[item.name], size="1", data_secret=item.name),
                rx.cond(
                    State.saved_here[item.name],
                    rx.button(
                        "Clear",
                        on_click=State.clear(channel, item.name),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        aria_label=f"Clear {item.label}",
                    ),
                ),
                align="center",
                spacing="2",
            ),
            html_for=field_id,
        )
    return labelled(
        item.label,
        rx.input(
            id=field_id,
            value=State.values[item.name],
            on_change=lambda value: State.set_value(item.name, value),
            placeholder=State.server[item.name],
            width="100%",
        ),
        html_for=field_id,
    )


def _credentials(channel: checks.Channel) -> rx.Component:
    return rx.el.details(
        rx.el.summary(f"{channel.name} settings"),
        rx.vstack(
            rx.text(
                "A value saved here replaces the server's setting of the same name (shown "
                "greyed when empty); empty goes back to it.",
                size="1",
                color_scheme="gray",
            ),
            *[_field(channel.key, item) for item in config.FORM[channel.key]],
            rx.button(
                f"Save {channel.name} settings",
                on_click=State.save(channel.key),
                size="2",
            ),
            _note(channel.key),
            spacing="2",
            width="100%",
            padding_top="0.5em",
        ),
    )


def _map_row(crm: str, source: str, label: str) -> rx.Component:
    key = f"{crm}:{source}"
    return rx.table.row(
        rx.table.row_header_cell(
            rx.el.label(label, html_for=f"map-{crm}-{source}"), font_weight="normal"
        ),
        rx.table.cell(
            rx.input(
                id=f"map-{crm}-{source}",
                value=State.maps[key],
                on_change=lambda value: State.set_map(key, value),
                placeholder="not sent",
                size="1",
            )
        ),
    )


def _mapping(crm: str, name: str) -> rx.Component:
    rows = [_map_row(crm, source, label) for source, label in crm_fields.SOURCES.items()]
    return rx.el.details(
        rx.el.summary(f"{name} field mapping"),
        rx.vstack(
            rx.text(
                f"Which {name} field each of ours goes to (empty: not sent). The e-mail "
                f"address always goes to {crm_fields.KEY_FIELD[crm]}: the record is found by it.",
                size="1",
                color_scheme="gray",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Our field"),
                        rx.table.column_header_cell(f"{name} field"),
                    )
                ),
                rx.table.body(*rows),
                size="1",
            ),
            rx.hstack(
                rx.button(f"Save {name} mapping", on_click=State.save_map(crm), size="2"),
                rx.button(
                    "Back to the defaults",
                    on_click=State.reset_map(crm),
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                ),
                spacing="2",
            ),
            _note(f"{crm}-map"),
            spacing="2",
            padding_top="0.5em",
        ),
    )


def _channel(channel: checks.Channel) -> rx.Component:
    key = channel.key
    said = State.results[key]
    return rx.el.section(
        rx.heading(channel.name, as_="h2", size="4"),
        rx.text(rx.el.strong("Sent: "), channel.sends, size="2"),
        rx.text(rx.el.strong("State: "), State.status[key], size="2"),
        _credentials(channel),
        _mapping(key, crm_fields.NAMES[key]) if key in config.FIELD_MAPS else rx.fragment(),
        rx.button(
            "Send test",
            on_click=State.test(key),
            variant="soft",
            aria_label="Send test to " + channel.name,
            width="fit-content",
        ),
        rx.cond(
            said,
            rx.callout(
                said,
                role="status",
                color_scheme=rx.cond(State.outcomes[key] == "ok", "green", "red"),
                high_contrast=True,
            ),
        ),
        class_name="settings-row",
        aria_label=channel.name,
        data_channel=key,
    )


@admin_page(
    route="/integrations",
    title="Integrations",
    nav_group="Administration",
    icon="plug",
    role=UserRole.OWNER,
    order=6,
    on_load=State.load,
)
def integrations_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Where alerts, reports and contacts go. Credentials saved here are stored "
            "encrypted and replace the server's settings (docs/integrations.md); secrets are "
            "never shown again. Send test talks to the service now and shows its answer. Tests "
            "to Slack, SMS and e-mail reach your team; the CRMs are only read from.",
            color_scheme="gray",
            size="2",
        ),
        *[_channel(channel) for channel in checks.CHANNELS],
        rx.el.section(
            rx.heading("Replies from Slack threads", as_="h2", size="4"),
            rx.text(
                "Point the Slack app's Event Subscriptions at ",
                rx.code(State.events_url),
                rx.cond(
                    State.replies_on,
                    ": replies in an alert's thread reach the visitor.",
                    ", then set the Slack signing secret.",
                ),
                size="2",
            ),
            class_name="settings-row",
            aria_label="Replies from Slack threads",
        ),
        width="100%",
        spacing="3",
    )
