"""The users page's state: the user list and the owner's changes to it."""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx

from app.session_state import AuthState, guarded
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
