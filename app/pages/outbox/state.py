"""The outbox page's state: entries waiting, failing or dead, decrypted through
core.integrations.outbox, and the owner's retry of a dead one."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from app.session_state import AuthState, guarded
from core.db import session_scope
from core.integrations import outbox
from core.models import OutboxEntryPublic, OutboxStatus
from core.models.users import UserRole
from core.settings import get_settings

INBOX = "/inbox"


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def entry_fields(entry: OutboxEntryPublic) -> dict[str, str]:
    """One entry as the page shows it."""
    conversation = entry.conversation_public_id or ""
    return {
        "id": str(entry.id),
        "written": _when(entry.created_at),
        "channel": entry.channel.title(),
        "alert": entry.summary,
        "attempts": str(entry.attempts),
        "next": _when(entry.next_attempt_at),
        "error": entry.last_error or "",
        "inbox_url": f"{INBOX}?c={conversation}" if conversation else "",
    }


class OutboxState(AuthState):
    pending: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    dead: list[dict[str, str]] = []
    loaded: bool = False
    max_age: str = ""  # OUTBOX_MAX_AGE_HOURS, as people read it
    notice: str = ""
    error: str = ""

    def _reload(self) -> None:
        with session_scope() as session:
            found = outbox.list_entries(
                session=session,
                statuses=[OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.DEAD],
            )
        by_status: dict[str, list[dict[str, str]]] = {s: [] for s in OutboxStatus}
        for entry in found:
            by_status[entry.status].append(entry_fields(entry))
        self.pending = by_status[OutboxStatus.PENDING]
        self.failed = by_status[OutboxStatus.FAILED]
        self.dead = by_status[OutboxStatus.DEAD]
        hours = get_settings().OUTBOX_MAX_AGE_HOURS
        self.max_age = f"{hours:g} hours" if hours < 72 else f"{hours / 24:g} days"
        self.loaded = True

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        self.notice = self.error = ""
        self._reload()

    @rx.event
    @guarded(UserRole.OWNER)
    def retry(self, entry_id: str) -> None:
        with session_scope() as session:
            done = outbox.retry(session=session, entry_id=int(entry_id))
        if done:
            self.notice, self.error = f"Alert {entry_id} will be sent again shortly.", ""
        else:
            self.notice = ""
            self.error = f"Alert {entry_id} is no longer given up (retried or sent meanwhile)."
        self._reload()
