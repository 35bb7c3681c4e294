"""Contact requests (agents and owners): newest first, with how to reach each visitor and the
conversation the request was left from."""

from __future__ import annotations

import reflex as rx

from app.pages.contacts.state import ContactsState
from app.pages.contacts.views import conversation_link, crm_sync, email_link, phone_link
from app.registry import admin_page

COLUMNS = ("When", "Name", "E-mail", "Phone", "Message", "Conversation", "CRM")


def _row(contact: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(contact["when"], white_space="nowrap"),
        rx.table.row_header_cell(contact["name"]),
        rx.table.cell(email_link(contact)),
        rx.table.cell(phone_link(contact), white_space="nowrap"),
        rx.table.cell(contact["message"], white_space="pre-wrap", max_width="28em"),
        rx.table.cell(conversation_link(contact), white_space="nowrap"),
        rx.table.cell(crm_sync(contact), min_width="14em"),
        data_contact=contact["id"],
    )


@admin_page(
    route="/contacts",
    title="Contact requests",
    nav_group="Support",
    icon="contact",
    order=4,
    on_load=ContactsState.load,
)
def contacts_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "What visitors left with the contact form, newest first.",
            color_scheme="gray",
            size="2",
        ),
        rx.cond(
            ContactsState.requests.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in COLUMNS])),
                rx.table.body(rx.foreach(ContactsState.requests, _row)),
                width="100%",
            ),
            rx.cond(
                ContactsState.loaded,
                rx.text("No contact requests yet.", color_scheme="gray"),
                rx.spinner(),
            ),
        ),
        width="100%",
        spacing="4",
    )
