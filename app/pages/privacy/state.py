"""The privacy page's state: one subject searched for, what is stored about them (rows per
table), their export and their erasure. Every handler is for owners only."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.session_state import AuthState, guarded
from core.crud import audit
from core.db import session_scope
from core.models.audit import PERSONAL_DATA_ACTIONS
from core.models.users import UserRole
from core.privacy import erasure, export
from core.privacy.registry import Erasure, Subject, entries
from core.privacy.subjects import (
    BadLookup,
    Found,
    Lookup,
    SubjectNotFound,
    describe,
    find_subject,
)

VALUE_ID = "privacy-value"
LOG_LIMIT = 20  # exports and erasures listed
# What the owner reads for each table; a table added to the registry shows under its own name.
TABLE_LABELS = {
    "visitor": "Visitor",
    "conversation": "Conversations",
    "message": "Messages",
    "contactrequest": "Contact requests",
    "feedback": "Ratings and comments",
    # The dashboards' facts kept beside a conversation (on main since migration 0013).
    "conversationfacts": "Conversation figures for the dashboards",
    "answerfacts": "What followed the bot's answers",
    "answerreview": "Reviews of answers to them",
    "analyticsevent": "Analytics events",
    "widgetclick": "Widget clicks",
}
ACTION_LABELS = {"export": "Export", "erasure": "Erasure"}
ERASURE_LABELS = {
    Erasure.DELETE: "deleted",
    Erasure.ANONYMISE: "kept for the counts, without anything that leads to them",
}


def table_rows(found: Found) -> list[dict[str, str]]:
    """The found rows per table as the page lists them, with what erasing does to them."""
    how = {item.table: item.erasure for item in entries(Subject.VISITOR)}
    return [
        {
            "table": TABLE_LABELS.get(table, table),
            "rows": str(count),
            "erasure": ERASURE_LABELS[how[table]],
        }
        for table, count in found.counts().items()
    ]


def erased_notice(done: erasure.Erased) -> str:
    """What an erasure did, in the page's words for each kind of data."""

    def listed(counts: dict[str, int]) -> str:
        return ", ".join(f"{TABLE_LABELS.get(t, t)} {n}" for t, n in counts.items() if n)

    said = f"Erased {done.subject}. Deleted: {listed(done.deleted)}."
    if any(done.anonymised.values()):
        said += (
            f" Kept for the counts, without anything that leads to them: {listed(done.anonymised)}."
        )
    return said


def log_rows(rows: list[audit.AuditRow]) -> list[dict[str, str]]:
    """The audit log's entries as the page lists them (never whom they were about)."""
    return [
        {
            "when": row.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            "action": ACTION_LABELS.get(row.action, row.action),
            "actor": row.actor,
            "address": row.address or "–",
            "found_by": str(row.details.get("found_by", "")).replace("email", "e-mail"),
            "rows": str(sum(row.details.get("rows", {}).values())),
        }
        for row in rows
    ]


class PrivacyState(AuthState):
    lookup: str = Lookup.EMAIL.value
    # The subject on show ("the e-mail address jo@example.org") and the value searched for (as
    # compared); empty until a search finds someone.
    subject: str = ""
    subject_value: str = ""
    tables: list[dict[str, str]] = []
    total: int = 0
    error: str = ""
    notice: str = ""
    # The newest exports and erasures, from the audit log.
    log: list[dict[str, str]] = []

    def _clear(self) -> None:
        self.subject = self.subject_value = ""
        self.tables, self.total = [], 0

    def _find(self) -> Found | None:
        """The subject on show, looked up again (their rows may have changed since)."""
        try:
            with session_scope() as session:
                return find_subject(
                    session=session, lookup=Lookup(self.lookup), value=self.subject_value
                )
        except (BadLookup, SubjectNotFound) as exc:
            self._clear()
            self.error = str(exc)
            return None

    def _reload_log(self) -> None:
        with session_scope() as session:
            self.log = log_rows(
                audit.recent_actions(
                    session=session, limit=LOG_LIMIT, actions=PERSONAL_DATA_ACTIONS
                )
            )

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        self._clear()
        self.error = self.notice = ""
        self._reload_log()

    @rx.event
    @guarded(UserRole.OWNER)
    def search(self, form: dict[str, Any]) -> None:
        self._clear()
        self.error = self.notice = ""
        self.lookup = str(form.get("lookup") or Lookup.EMAIL.value)
        self.subject_value = str(form.get("value", ""))
        found = self._find()
        if found is None:
            return
        self.subject = describe(found.lookup, found.value)
        self.subject_value = found.value
        self.tables, self.total = table_rows(found), found.total

    @rx.event
    @guarded(UserRole.OWNER)
    def download(self) -> Any:
        if not self.subject:
            return None
        try:
            found, archive = export.export_for(
                lookup=Lookup(self.lookup), value=self.subject_value, actor=self._actor()
            )
        except (BadLookup, SubjectNotFound) as exc:
            self._clear()
            self.error = str(exc)
            return None
        self.notice = f"Exported {found.total} rows about {self.subject}."
        self._reload_log()
        return rx.download(data=archive, filename=export.filename(), mime_type="application/zip")

    @rx.event
    @guarded(UserRole.OWNER)
    def erase(self) -> Any:
        """The confirmation's Erase: erase the subject on show."""
        if not self.subject:
            return None
        try:
            done = erasure.erase(
                lookup=Lookup(self.lookup), value=self.subject_value, actor=self._actor()
            )
        except (BadLookup, SubjectNotFound) as exc:
            self._clear()
            self.error = str(exc)
        else:
            self._clear()
            self.error, self.notice = "", erased_notice(done)
            if not done.log_emptied:
                self.notice += " " + erasure.LOG_IN_USE
        self._reload_log()
        # The buttons that had the focus are gone with the subject: back to the search.
        return rx.set_focus(VALUE_ID)
