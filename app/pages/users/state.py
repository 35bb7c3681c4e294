"""The users page's state: the user list and the owner's changes to it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from app.session_state import AuthState, guarded
from core.crud import audit
from core.crud import users as users_crud
from core.db import session_scope
from core.models.audit import AuditAction
from core.models.users import UserRole

# A change to the users: it returns what the audit log keeps of it, or None when it changed
# nothing (a role set to the one the user has).
Change = Callable[[Session], dict[str, Any] | None]


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

    def _run(self, change: Change, done: str, logged_as: AuditAction) -> None:
        """Make the change and its audit-log entry in one transaction."""
        actor = self._actor()
        try:
            with session_scope() as session:
                details = change(session)
                if details is not None:
                    audit.record_action(
                        session=session, action=logged_as, actor=actor, details=details
                    )
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

        def add(session: Session) -> dict[str, Any]:
            user = users_crud.create_user(
                session=session,
                email=email,
                name=str(form.get("name", "")).strip() or email,
                password=password,
                role=role,
            )
            return {"user_id": user.id, "role": str(role)}

        self._run(add, f"Added {email} as {role}.", AuditAction.USER_ADDED)
        if not self.error and not form.get("password"):
            self.shown_password = f"Password for {email}: {password} (shown once)"

    @rx.event
    @guarded(UserRole.OWNER)
    def set_role(self, user_id: str, role: str) -> None:

        def change(session: Session) -> dict[str, Any] | None:
            before = users_crud.get_user(session=session, user_id=int(user_id))
            was = str(before.role) if before is not None else ""
            users_crud.set_role(session=session, user_id=int(user_id), role=UserRole(role))
            return None if was == role else {"user_id": int(user_id), "from": was, "to": role}

        self._run(change, f"Role changed to {role}.", AuditAction.ROLE_CHANGE)

    @rx.event
    @guarded(UserRole.OWNER)
    def toggle_active(self, user_id: str, active: str) -> None:
        turn_on = active != "yes"

        def switch(session: Session) -> dict[str, Any]:
            users_crud.set_active(session=session, user_id=int(user_id), active=turn_on)
            return {"user_id": int(user_id), "active": turn_on}

        self._run(
            switch,
            "Access switched on." if turn_on else "Access switched off; signed out.",
            AuditAction.ACCESS_CHANGE,
        )

    @rx.event
    @guarded(UserRole.OWNER)
    def reset_password(self, user_id: str, email: str) -> None:
        password = _generated_password()

        def reset(session: Session) -> dict[str, Any]:
            users_crud.reset_password(session=session, user_id=int(user_id), password=password)
            return {"user_id": int(user_id)}

        self._run(reset, "Password reset.", AuditAction.PASSWORD_RESET)
        if not self.error:
            self.shown_password = f"New password for {email}: {password} (shown once)"
