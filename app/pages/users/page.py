"""Users (owners only): add owners and agents, change roles, switch access off, reset passwords."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components import labelled
from app.pages.users.state import UsersState
from app.registry import admin_page
from core.models.users import UserRole


def _user_row(user: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(user["name"]),
        rx.table.cell(user["email"]),
        rx.table.cell(
            rx.el.select(
                rx.el.option("Owner", value="owner"),
                rx.el.option("Agent", value="agent"),
                value=user["role"],
                on_change=lambda role: UsersState.set_role(user["id"], role),
                aria_label="Role of " + user["email"],
                class_name="native-select",
            )
        ),
        rx.table.cell(user["active"]),
        rx.table.cell(user["last_login"]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    rx.cond(user["active"] == "yes", "Switch off", "Switch on"),
                    size="1",
                    variant="soft",
                    on_click=UsersState.toggle_active(user["id"], user["active"]),
                    aria_label=rx.cond(user["active"] == "yes", "Switch off", "Switch on")
                    + " access for "
                    + user["email"],
                ),
                rx.button(
                    "Reset password",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=UsersState.reset_password(user["id"], user["email"]),
                    aria_label="Reset password of " + user["email"],
                ),
            )
        ),
    )


def _add_form() -> rx.Component:
    def field(name: str, label: str, **props: Any) -> rx.Component:
        control = rx.input(id=f"user-{name}", name=name, **props)
        # Natural width: the fields share one wrapping row.
        return labelled(label, control, html_for=f"user-{name}", width="auto")

    role = rx.el.select(
        rx.el.option("Agent", value="agent"),
        rx.el.option("Owner", value="owner"),
        id="user-role",
        name="role",
        class_name="native-select",
    )
    return rx.form.root(
        rx.hstack(
            field("email", "E-mail", type="email", required=True),
            field("name", "Name"),
            labelled("Role", role, html_for="user-role", width="auto"),
            field(
                "password",
                "Password (empty: generate one)",
                type="password",
                auto_complete="new-password",
            ),
            rx.button("Add user", type="submit"),
            align="end",
            wrap="wrap",
        ),
        on_submit=UsersState.add_user,
        reset_on_submit=True,
    )


@admin_page(
    route="/users",
    title="Users",
    nav_group="Administration",
    icon="users",
    role=UserRole.OWNER,
    order=2,
    on_load=UsersState.load,
)
def users_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Owners manage users and settings; agents work the inbox and the knowledge base.",
            color_scheme="gray",
            size="2",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Name", "E-mail", "Role", "Active", "Last sign-in", "")
                    ]
                )
            ),
            rx.table.body(rx.foreach(UsersState.users, _user_row)),
            width="100%",
        ),
        rx.heading("Add a user", as_="h2", size="4"),
        _add_form(),
        rx.cond(
            UsersState.error != "", rx.callout(UsersState.error, color_scheme="red", role="alert")
        ),
        rx.cond(UsersState.notice != "", rx.callout(UsersState.notice, role="status")),
        rx.cond(
            UsersState.shown_password != "",
            rx.callout(
                UsersState.shown_password,
                color_scheme="amber",
                role="status",
                data_testid="shown-password",
            ),
        ),
        width="100%",
        spacing="4",
    )
