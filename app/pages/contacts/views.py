"""How a contact request is shown: links to reach the visitor, and the request as a card
(the inbox shows the open conversation's requests beside its transcript)."""

from __future__ import annotations

import reflex as rx


def email_link(contact: rx.Var) -> rx.Component:
    return rx.link(contact["email"], href="mailto:" + contact["email"])


def phone_link(contact: rx.Var) -> rx.Component:
    return rx.cond(
        contact["phone"] != "",
        rx.link(contact["phone"], href="tel:" + contact["tel"]),
        rx.text("–", as_="span", color_scheme="gray"),
    )


def conversation_link(contact: rx.Var) -> rx.Component:
    return rx.cond(
        contact["inbox_url"] != "",
        rx.link(
            "Open in inbox",
            href=contact["inbox_url"],
            aria_label="Open in inbox: conversation with " + contact["name"],
        ),
        rx.text("–", as_="span", color_scheme="gray"),
    )


def contact_card(contact: rx.Var) -> rx.Component:
    """One request, as the inbox shows it above the transcript."""
    return rx.box(
        rx.text("Contact request · ", contact["when"], weight="bold", size="1"),
        rx.hstack(
            rx.text(contact["name"], size="2"),
            email_link(contact),
            phone_link(contact),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        rx.text(contact["message"], white_space="pre-wrap", size="2"),
        data_contact=contact["id"],
        class_name="contact-request",
        padding="0.5em 0.75em",
        border="1px solid var(--amber-a7)",
        border_radius="var(--radius-3)",
        width="100%",
    )
