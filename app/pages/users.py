"""Users (owners only): add owners and agents, change roles, switch access off, reset passwords."""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx

from app.session_state import AuthState, guarded
from app.template import page
from core.crud import users as users_crud
from core.db import session_scope
from core.models.users import UserRole


def _generated_password() -> str:
    return secrets.token_urlsafe(12)


class UsersState(AuthState):
    users: list[dict[str, str]] = []
    error: str = ""
    notice: str = ""
    # A new or reset password, shown once to the owner who made it.
    shown_password: str = ""

    def _reload(self) -> None:
        with session_scope() as session:
            self.users = [
                {
                    "id": str(u.id),
                    "email": u.email,
                    "name": u.name,
                    "role": u.role,
                    "active": "yes" if u.active else "no",
                    "last_login": u.last_login_at.strftime("%Y-%m-%d %H:%M UTC")
                    if u.last_login_at
                    else "never",
                }
                for u in users_crud.list_users(session=session)
            ]

    def _run(self, action: Any, done: str) -> None:
        try:
            with session_scope() as session:
                action(session)
        except (ValueError, LookupError) as error:
            self.error, self.notice = str(error), ""
        else:
            self.error, self.notice = "", done
        self._reload()

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        self.error = self.notice = self.shown_password = ""
        self._reload()

    @rx.event
    @guarded(UserRole.OWNER)
    def add_user(self, form: dict[str, Any]) -> None:
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", "")) or _generated_password()
        role = UserRole(form.get("role") or UserRole.AGENT)
        self.shown_password = ""
        self._run(
            lambda s: users_crud.create_user(
                session=s,
                email=email,
                name=str(form.get("name", "")).strip() or email,
                password=password,
                role=role,
            ),
            f"Added {email} as {role}.",
        )
        if not self.error and not form.get("password"):
            self.shown_password = f"Password for {email}: {password} (shown once)"

    @rx.event
    @guarded(UserRole.OWNER)
    def set_role(self, user_id: str, role: str) -> None:
        self._run(
            lambda s: users_crud.set_role(session=s, user_id=int(user_id), role=UserRole(role)),
            f"Role changed to {role}.",
        )

    @rx.event
    @guarded(UserRole.OWNER)
    def toggle_active(self, user_id: str, active: str) -> None:
        turn_on = active != "yes"
        self._run(
            lambda s: users_crud.set_active(session=s, user_id=int(user_id), active=turn_on),
            "Access switched on." if turn_on else "Access switched off; signed out.",
        )

    @rx.event
    @guarded(UserRole.OWNER)
    def reset_password(self, user_id: str, email: str) -> None:
        password = _generated_password()
        self._run(
            lambda s: users_crud.reset_password(session=s, user_id=int(user_id), password=password),
            "Password reset.",
        )
        if not self.error:
            self.shown_password = f"New password for {email}: {password} (shown once)"


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
        return rx.vstack(
            rx.el.label(label, html_for=f"user-{name}", font_weight="500"),
            rx.input(id=f"user-{name}", name=name, **props),
            spacing="1",
        )

    return rx.form.root(
        rx.hstack(
            field("email", "E-mail", type="email", required=True),
            field("name", "Name"),
            rx.vstack(
                rx.el.label("Role", html_for="user-role", font_weight="500"),
                rx.el.select(
                    rx.el.option("Agent", value="agent"),
                    rx.el.option("Owner", value="owner"),
                    id="user-role",
                    name="role",
                    class_name="native-select",
                ),
                spacing="1",
            ),
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


@page("Users")
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
