"""Integrations (owners only): Slack, SMS, e-mail and the CRMs, each with what it is sent,
whether it is set up, and Send test, which shows the service's own answer."""

from __future__ import annotations

import reflex as rx

from app.pages.integrations.state import IntegrationsState
from app.registry import admin_page
from core.models.users import UserRole


def _channel(channel: rx.Var) -> rx.Component:
    key = channel["key"]
    said = IntegrationsState.results[key]
    return rx.el.section(
        rx.heading(channel["name"], as_="h2", size="4"),
        rx.text(rx.el.strong("Sent: "), channel["sends"], size="2"),
        rx.text(rx.el.strong("State: "), channel["status"], size="2"),
        rx.button(
            "Send test",
            on_click=IntegrationsState.test(key),
            variant="soft",
            aria_label="Send test to " + channel["name"],
        ),
        rx.cond(
            said,
            rx.callout(
                said,
                role="status",
                color_scheme=rx.cond(IntegrationsState.outcomes[key] == "ok", "green", "red"),
            ),
        ),
        class_name="settings-row",
        aria_label=channel["name"],
        data_channel=key,
    )


@admin_page(
    route="/integrations",
    title="Integrations",
    nav_group="Administration",
    icon="plug",
    role=UserRole.OWNER,
    order=6,
    on_load=IntegrationsState.load,
)
def integrations_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Where alerts, reports and contacts go. Credentials come from the server's "
            "settings (docs/integrations.md); Send test talks to the service now and shows "
            "its answer. Tests to Slack, SMS and e-mail reach your team; the CRMs are only "
            "read from.",
            color_scheme="gray",
            size="2",
        ),
        rx.foreach(IntegrationsState.channels, _channel),
        rx.el.section(
            rx.heading("Replies from Slack threads", as_="h2", size="4"),
            rx.text(
                "Point the Slack app's Event Subscriptions at ",
                rx.code(IntegrationsState.events_url),
                rx.cond(
                    IntegrationsState.replies_on,
                    ": replies in an alert's thread reach the visitor.",
                    ", then set SLACK_SIGNING_SECRET.",
                ),
                size="2",
            ),
            class_name="settings-row",
            aria_label="Replies from Slack threads",
        ),
        width="100%",
        spacing="3",
    )
