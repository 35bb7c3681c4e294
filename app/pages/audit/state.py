"""The audit log page's state: the newest entries matching the filters, a page at a time, each
told in a sentence. Entries name users and conversations by id; the sentence looks them up."""

from __future__ import annotations

from datetime import UTC

import reflex as rx
from sqlmodel import Session, col, select

from app.date_range import RangeState
from app.session_state import guarded
from core.crud import audit
from core.crud import users as users_crud
from core.db import session_scope
from core.models import Conversation
from core.models.audit import AuditAction
from core.models.users import UserRole

PAGE_SIZE = 100
ANYONE = ""  # the "who" filter's value for every user
ACTION_LABELS: dict[str, str] = {
    AuditAction.EXPORT: "Export",
    AuditAction.ERASURE: "Erasure",
    AuditAction.SIGN_IN: "Signed in",
    AuditAction.SIGN_IN_REFUSED: "Sign-in refused",
    AuditAction.SIGN_OUT: "Signed out",
    AuditAction.USER_ADDED: "User added",
    AuditAction.ROLE_CHANGE: "Role changed",
    AuditAction.ACCESS_CHANGE: "Access switched",
    AuditAction.PASSWORD_RESET: "Password reset",
    AuditAction.SETTINGS_CHANGE: "Settings changed",
    AuditAction.TAKEOVER: "Took a conversation over",
    AuditAction.HAND_BACK: "Handed a conversation back",
    AuditAction.RETENTION: "Retention",
    AuditAction.INTEGRATION_CHANGE: "Integrations changed",
}
INBOX = "/inbox"


def _user_names(session: Session) -> dict[int, str]:
    return {u.id: f"{u.name} ({u.email})" for u in users_crud.list_users(session=session) if u.id}


def _conversations(session: Session, rows: list[audit.AuditRow]) -> dict[int, str]:
    """Public ids of the conversations the rows name that still exist."""
    ids = {int(r.details["conversation_id"]) for r in rows if "conversation_id" in r.details}
    if not ids:
        return {}
    found = session.exec(
        select(Conversation.id, Conversation.public_id).where(col(Conversation.id).in_(ids))
    ).all()
    return {int(i): str(p) for i, p in found if i is not None}


def describe(row: audit.AuditRow, users: dict[int, str]) -> str:
    """What the entry's details say, in a sentence fragment (never a visitor's name)."""
    d = row.details
    user = (
        users.get(int(d["user_id"]), f"user {d['user_id']} (since deleted)")
        if "user_id" in d
        else ""
    )
    match row.action:
        case AuditAction.EXPORT | AuditAction.ERASURE:
            found_by = str(d.get("found_by", "")).replace("email", "e-mail")
            rows = sum(d.get("rows", {}).values())
            return f"found by {found_by}; {rows} rows" if found_by else f"{rows} rows"
        case AuditAction.SIGN_IN_REFUSED:
            return str(d.get("reason", ""))
        case AuditAction.USER_ADDED:
            return f"{user} as {d.get('role', '')}"
        case AuditAction.ROLE_CHANGE:
            return f"{user}: {d.get('from', '')} → {d.get('to', '')}"
        case AuditAction.ACCESS_CHANGE:
            return f"{user}: switched {'on' if d.get('active') else 'off'}"
        case AuditAction.PASSWORD_RESET:
            return user
        case AuditAction.SETTINGS_CHANGE:
            return ", ".join(str(f).replace("_", " ") for f in d.get("fields", []))
        case AuditAction.INTEGRATION_CHANGE:
            return f"{d.get('channel', '')}: {', '.join(str(f) for f in d.get('fields', []))}"
        case AuditAction.TAKEOVER | AuditAction.HAND_BACK:
            return f"conversation {d.get('conversation_id', '')}"
    if "rows" in d:
        return f"{sum(d['rows'].values())} rows"
    return ""


class AuditState(RangeState):
    entries: list[dict[str, str]] = []
    action: str = ""  # "": every action
    actor: str = ANYONE  # a user's id
    people: list[dict[str, str]] = []  # the "who" choices: {"id", "name"}
    more: bool = False  # older entries match too
    loaded: bool = False

    def _fetch(self, before_id: int | None) -> list[dict[str, str]]:
        period = self._checked_period()
        if period is None:
            return []
        since, until = period.start, period.end
        with session_scope() as session:
            rows = audit.recent_actions(
                session=session,
                limit=PAGE_SIZE + 1,
                actions=[AuditAction(self.action)] if self.action else (),
                actor_id=int(self.actor) if self.actor else None,
                since=since,
                until=until,
                before_id=before_id,
            )
            self.more = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE]
            users = _user_names(session)
            self.people = [{"id": str(i), "name": n} for i, n in sorted(users.items())]
            open_ = _conversations(session, rows)
        return [
            {
                "id": str(row.id),
                "when": row.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                "action": ACTION_LABELS.get(row.action, row.action),
                "actor": row.actor,
                "address": row.address or "–",
                "details": describe(row, users),
                "link": (
                    f"{INBOX}?c={open_[int(row.details['conversation_id'])]}"
                    if int(row.details.get("conversation_id", 0)) in open_
                    else ""
                ),
            }
            for row in rows
        ]

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        self.entries = self._fetch(None)
        self.loaded = True

    @rx.event
    @guarded(UserRole.OWNER)
    def set_action(self, value: str) -> None:
        self.action = value if value in ACTION_LABELS else ""
        self.entries = self._fetch(None)

    @rx.event
    @guarded(UserRole.OWNER)
    def set_actor(self, value: str) -> None:
        self.actor = value if value.isdigit() else ANYONE
        self.entries = self._fetch(None)

    @rx.event
    @guarded(UserRole.OWNER)
    def show_older(self) -> None:
        if self.entries:
            self.entries = self.entries + self._fetch(int(self.entries[-1]["id"]))
