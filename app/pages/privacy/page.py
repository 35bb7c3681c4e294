"""Privacy (owners only): find what is stored about one visitor, download it for them, or erase
it after a confirmation."""

from __future__ import annotations

import reflex as rx

from app.components import alert, keyed_table, labelled, notice, section, toolbar
from app.pages.privacy.state import VALUE_ID, PrivacyState
from app.registry import admin_page
from core.models.users import UserRole

LOOKUP_ID = "privacy-lookup"


def _search_form() -> rx.Component:
    lookup = rx.el.select(
        rx.el.option("E-mail address", value="email"),
        rx.el.option("Phone number", value="phone"),
        rx.el.option("Visitor, browser or conversation id", value="visitor"),
        id=LOOKUP_ID,
        name="lookup",
        class_name="native-select",
    )
    value = rx.input(
        id=VALUE_ID,
        name="value",
        required=True,
        auto_complete="off",
        spell_check=False,
        aria_describedby="privacy-hint",
        width="22em",
        max_width="100%",
    )
    return rx.form.root(
        toolbar(
            labelled("Find by", lookup, html_for=LOOKUP_ID, width="auto"),
            labelled("E-mail, phone or id", value, html_for=VALUE_ID, width="auto"),
            rx.button(rx.icon("search", aria_hidden="true"), "Find", type="submit"),
        ),
        rx.text(
            "An e-mail address or phone number the visitor gave (a phone number is compared by "
            "its digits), or an id of 32 characters: the visitor's, their browser's analytics "
            "key, or a conversation's (the inbox's links end with it).",
            id="privacy-hint",
            size="1",
            color_scheme="gray",
            padding_top="0.4em",
        ),
        on_submit=PrivacyState.search,
        aria_label="Find a visitor",
        width="100%",
    )


def _found() -> rx.Component:
    return section(
        "What is stored",
        rx.text("About ", PrivacyState.subject, ": ", PrivacyState.total, " rows.", as_="p"),
        keyed_table(
            "Rows per kind of data, and what erasing does to them",
            ("Data", "Rows", "When erased"),
            PrivacyState.tables,
            ("table", "rows", "erasure"),
        ),
        rx.hstack(
            rx.button(
                rx.icon("download", aria_hidden="true"),
                "Download export (ZIP)",
                on_click=PrivacyState.download,
                variant="soft",
            ),
            _erase_with_confirmation(),
            spacing="3",
            padding_top="1em",
            wrap="wrap",
        ),
    )


def _erase_with_confirmation() -> rx.Component:
    """Erase… opens a confirmation (the focus goes to "Keep it", and back to Erase… when it
    is kept); only its Erase button erases."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", aria_hidden="true"),
                "Erase…",
                color_scheme="red",
                variant="soft",
                # Legible under the confirmation's overlay too.
                high_contrast=True,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Erase everything about ", PrivacyState.subject, "?"),
            rx.alert_dialog.description(
                PrivacyState.total,
                " rows are deleted, or kept for the counts without anything that leads to the "
                "visitor, all at once. This cannot be undone: download the export first if they "
                "asked for a copy.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Erase", color_scheme="red", high_contrast=True, on_click=PrivacyState.erase
                    )
                ),
                justify="end",
                spacing="3",
                padding_top="1em",
            ),
        ),
    )


def _log() -> rx.Component:
    return section(
        "Recent exports and erasures",
        rx.cond(
            PrivacyState.log.length() > 0,
            keyed_table(
                "The audit log, newest first (it never names the visitor)",
                ("When", "What", "By", "From", "Found by", "Rows"),
                PrivacyState.log,
                ("when", "action", "actor", "address", "found_by", "rows"),
            ),
            rx.text("No export or erasure yet.", color_scheme="gray"),
        ),
        rx.link("Everything else the team did is in the audit log", href="/audit"),
    )


@admin_page(
    route="/privacy",
    title="Privacy",
    nav_group="Administration",
    icon="shield-check",
    role=UserRole.OWNER,
    order=3,
    on_load=PrivacyState.load,
)
def privacy_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Find what is stored about one visitor, to give them a copy (their data, and a "
            "transcript they can read) or to erase it when they ask.",
            color_scheme="gray",
            size="2",
        ),
        _search_form(),
        alert(PrivacyState.error),
        notice(PrivacyState.notice),
        rx.cond(PrivacyState.subject != "", _found()),
        _log(),
        width="100%",
        spacing="4",
    )
