"""The audit log (owners only): sign-ins, changes to users and settings, takeovers, exports and
erasures, newest first; filtered by what, who and when."""

from __future__ import annotations

import reflex as rx

from app.components import choice_field, toolbar
from app.date_range import date_range_picker
from app.pages.audit.state import ACTION_LABELS, ANYONE, AuditState
from app.registry import admin_page
from core.models.users import UserRole

COLUMNS = ("When", "What", "Who", "From", "Details")


def _details(entry: rx.Var) -> rx.Component:
    return rx.cond(
        entry["link"] != "",
        rx.link(entry["details"], href=entry["link"]),
        rx.text(entry["details"]),
    )


def _row(entry: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry["when"], white_space="nowrap"),
        rx.table.row_header_cell(entry["action"]),
        rx.table.cell(entry["actor"]),
        rx.table.cell(entry["address"]),
        rx.table.cell(_details(entry), max_width="28em"),
        data_entry=entry["id"],
    )


def _filters() -> rx.Component:
    return toolbar(
        choice_field(
            "What",
            "audit-action",
            [
                rx.el.option("Everything", value=""),
                *[rx.el.option(label, value=action) for action, label in ACTION_LABELS.items()],
            ],
            AuditState.action,
            AuditState.set_action,
        ),
        choice_field(
            "Who",
            "audit-actor",
            [
                rx.el.option("Anyone", value=ANYONE),
                rx.foreach(
                    AuditState.people,
                    lambda person: rx.el.option(person["name"], value=person["id"]),
                ),
            ],
            AuditState.actor,
            AuditState.set_actor,
        ),
    )


@admin_page(
    route="/audit",
    title="Audit log",
    nav_group="Administration",
    icon="scroll-text",
    role=UserRole.OWNER,
    order=4,
    on_load=AuditState.load,
)
def audit_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Who signed in (or was refused), changed users, roles or settings, took a "
            "conversation over, exported or erased someone's data: when, and from which "
            "address. Entries are only ever added; they never name a visitor.",
            color_scheme="gray",
            size="2",
        ),
        date_range_picker(AuditState.load),
        _filters(),
        rx.cond(
            AuditState.entries.length() > 0,
            rx.table.root(
                rx.el.caption("The audit log, newest first", class_name="visually-hidden"),
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in COLUMNS])),
                rx.table.body(rx.foreach(AuditState.entries, _row)),
                width="100%",
            ),
            rx.cond(
                AuditState.loaded,
                rx.text("Nothing matches these filters.", color_scheme="gray"),
                rx.spinner(),
            ),
        ),
        rx.cond(
            AuditState.more,
            rx.button("Show older entries", on_click=AuditState.show_older, variant="soft"),
        ),
        width="100%",
        spacing="4",
    )
