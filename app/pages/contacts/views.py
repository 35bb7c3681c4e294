"""How a contact request is shown: links to reach the visitor, and the request as a card
(the inbox shows the open conversation's requests beside its transcript)."""

from __future__ import annotations

import reflex as rx

from core.integrations.crm_sync import CRMS, SyncState

OUTBOX = "/outbox"


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
        crm_sync(contact),
        data_contact=contact["id"],
        class_name="contact-request",
        padding="0.5em 0.75em",
        border="1px solid var(--amber-a7)",
        border_radius="var(--radius-3)",
        width="100%",
    )


def _crm_line(contact: rx.Var, crm: str) -> rx.Component:
    state = contact[f"{crm}_state"]
    return rx.cond(
        state != "",
        rx.hstack(
            rx.badge(
                state,
                color_scheme=rx.match(
                    state, (SyncState.SYNCED, "green"), (SyncState.FAILED, "red"), "amber"
                ),
                variant="soft",
                high_contrast=True,
            ),
            rx.text(contact[crm], size="1"),
            rx.cond(
                state == SyncState.FAILED,
                rx.link("Retry it on the Outbox page", href=OUTBOX, size="1"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
            data_crm=crm,
            class_name="crm-sync",
        ),
    )


def crm_sync(contact: rx.Var) -> rx.Component:
    """Where the request stands in each CRM it was sent to (nothing for a CRM not set up)."""
    return rx.vstack(*[_crm_line(contact, crm) for crm in CRMS], spacing="1")
