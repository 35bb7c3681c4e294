"""The outbox (owners only): what the team's alerts are waiting for. Entries waiting to be sent,
failing (with the receiver's error; retried automatically with growing waits) and given up
after OUTBOX_MAX_AGE_HOURS (dead), which the owner can send again."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app.components import alert, data_table, notice, section
from app.pages.outbox.state import OutboxState
from app.registry import admin_page
from core.models.users import UserRole

WAITING = ("Written", "Channel", "Alert", "Attempts", "Next attempt", "Conversation")
FAILING = ("Written", "Channel", "Alert", "Attempts", "Next attempt", "Last error")
DEAD = ("Written", "Channel", "Alert", "Attempts", "Last error", "Retry")


def _conversation(entry: rx.Var) -> rx.Component:
    return rx.cond(
        entry["inbox_url"] != "",
        rx.link(
            "Open",
            href=entry["inbox_url"],
            aria_label="Open the conversation of alert " + entry["id"],
        ),
        rx.text("none", color_scheme="gray"),
    )


def _cells(entry: rx.Var) -> list[rx.Component]:
    return [
        rx.table.cell(entry["written"], white_space="nowrap"),
        rx.table.cell(entry["channel"]),
        rx.table.row_header_cell(entry["alert"], max_width="28em"),
        rx.table.cell(entry["attempts"]),
    ]


def _error(entry: rx.Var) -> rx.Component:
    return rx.table.cell(entry["error"], white_space="pre-wrap", max_width="24em")


def _waiting_row(entry: rx.Var) -> rx.Component:
    return rx.table.row(
        *_cells(entry),
        rx.table.cell(entry["next"], white_space="nowrap"),
        rx.table.cell(_conversation(entry)),
        data_entry=entry["id"],
    )


def _failing_row(entry: rx.Var) -> rx.Component:
    return rx.table.row(
        *_cells(entry),
        rx.table.cell(entry["next"], white_space="nowrap"),
        _error(entry),
        data_entry=entry["id"],
    )


def _dead_row(entry: rx.Var) -> rx.Component:
    return rx.table.row(
        *_cells(entry),
        _error(entry),
        rx.table.cell(
            rx.button(
                "Retry",
                size="1",
                on_click=OutboxState.retry(entry["id"]),
                aria_label="Retry alert " + entry["id"],
            )
        ),
        data_entry=entry["id"],
    )


def _table(
    title: str,
    headers: tuple[str, ...],
    rows: rx.Var,
    row: Callable[[rx.Var], rx.Component],
    empty: str,
) -> rx.Component:
    return section(title, data_table(title, headers, rows, row, empty))


@admin_page(
    route="/outbox",
    title="Outbox",
    nav_group="Administration",
    icon="send",
    role=UserRole.OWNER,
    order=3,
    on_load=OutboxState.load,
)
def outbox_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Alerts to the team (Slack) wait here until they are sent. A failing one is tried "
            "again with growing waits; one still failing "
            + OutboxState.max_age
            + " after it was written is given up until you retry it.",
            color_scheme="gray",
            size="2",
        ),
        alert(OutboxState.error),
        notice(OutboxState.notice),
        rx.cond(
            OutboxState.loaded,
            rx.vstack(
                _table(
                    "Given up",
                    DEAD,
                    OutboxState.dead,
                    _dead_row,
                    "Nothing given up.",
                ),
                _table(
                    "Failing, retried automatically",
                    FAILING,
                    OutboxState.failed,
                    _failing_row,
                    "Nothing failing.",
                ),
                _table(
                    "Waiting to be sent",
                    WAITING,
                    OutboxState.pending,
                    _waiting_row,
                    "Nothing waiting: every alert was sent.",
                ),
                width="100%",
            ),
            rx.spinner(),
        ),
        width="100%",
        spacing="4",
    )
