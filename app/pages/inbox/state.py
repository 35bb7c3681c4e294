"""The inbox's state: the conversation list, the open transcript, and the agent's actions.

The browser ticks once a second; each tick compares a cheap database version
(`core.crud.inbox.inbox_version`) and reloads the list and the open transcript only when
something changed, so new conversations and messages show within about a second on SQLite and
PostgreSQL alike, across processes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import reflex as rx
from sqlmodel import Session

from app.pages.contacts.state import shown
from app.session_state import AuthState, guarded
from core.crud import audit, conversations, handover, inbox
from core.crud import contacts as contact_crud
from core.crud.inbox import TranscriptMessage
from core.db import session_scope
from core.models.audit import AuditAction
from core.models.conversations import Channel

STATUS_FILTERS = ["open", "bot", "human", "closed", "all"]


def waiting_label(seconds: float | None) -> str:
    """How long a visitor has waited, to the minute: "waiting 3 min"; "" when answered."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "waiting < 1 min"
    if minutes < 60:
        return f"waiting {minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"waiting {hours} h {rest} min" if rest else f"waiting {hours} h"
    days, rest = divmod(minutes // 60, 24)
    return f"waiting {days} d {rest} h" if rest else f"waiting {days} d"


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class InboxState(AuthState):
    rows: list[dict[str, str]] = []
    status_filter: str = "open"
    search: str = ""
    selected: str = ""
    header: dict[str, str] = {}
    messages: list[dict[str, str]] = []
    # What the open conversation's visitor left with the contact form.
    contacts: list[dict[str, str]] = []
    # Conversation id -> "waiting 3 min", for those whose visitor waits for an answer. Apart
    # from `rows` so that the tick, which refreshes it, sends only this small dict.
    waiting: dict[str, str] = {}
    _waiting_since: dict[str, float] = {}  # conversation id -> when the wait began (epoch s)
    reply: str = ""
    error: str = ""
    _version: str = ""

    def _reload(self) -> None:
        now = datetime.now(UTC)
        with session_scope() as session:
            self._version = inbox.inbox_version(session=session)
            found = inbox.list_conversations(
                session=session,
                status=None if self.status_filter == "all" else self.status_filter,
                search=self.search,
                now=now,
            )
            self.rows = [
                {
                    "id": row.public_id,
                    "status": row.status,
                    "visitor": row.visitor_label,
                    "language": row.language or "",
                    "preview": row.preview,
                    "when": _when(row.last_message_at),
                    "count": str(row.message_count),
                    "urgent": "yes" if row.urgency == "high" else "",
                    "channel": "WhatsApp" if row.channel == Channel.WHATSAPP else "",
                }
                for row in found
            ]
            self._waiting_since = {
                row.public_id: now.timestamp() - row.waiting_seconds
                for row in found
                if row.waiting_seconds is not None
            }
            self._refresh_waiting()
            if self.selected:
                self._load_transcript(session)

    def _refresh_waiting(self) -> None:
        now = datetime.now(UTC).timestamp()
        labels = {cid: waiting_label(now - since) for cid, since in self._waiting_since.items()}
        if labels != self.waiting:  # once a minute at most: the labels count minutes
            self.waiting = labels

    def _load_transcript(self, session: Any) -> None:
        found = inbox.transcript(session=session, public_id=self.selected)
        if found is None:
            self.selected, self.header, self.messages, self.contacts = "", {}, [], []
            return
        self.contacts = shown(
            session, contact_crud.contact_requests_of(session=session, public_id=self.selected)
        )
        self.header = {
            "id": found.public_id,
            "status": found.status,
            "visitor": found.visitor_label,
            "language": found.language or "unknown",
            "page": found.page_url or "",
            "started": _when(found.created_at),
        }
        self.messages = [
            {
                "id": str(m.id),
                "role": m.role,
                "text": m.text,
                "when": _when(m.created_at),
                "confidence": "" if m.confidence is None else f"{m.confidence:.2f}",
                "faq": m.faq_question or "",
                "flags": ", ".join(m.flags),
                "emotion": m.emotion if m.emotion and m.emotion != "neutral" else "",
                "intent": ""
                if m.intent is None
                else f"{m.intent} ({m.intent_confidence or 0:.2f})",
                "entities": ", ".join(m.entities),
            }
            for m in found.messages
        ]

    @rx.event
    @guarded()
    def load(self) -> None:
        self.selected = self.router.url.query_parameters.get("c", self.selected)
        self.error = ""
        self._reload()

    @rx.event
    @guarded()
    def tick(self, _now: str) -> None:
        with session_scope() as session:
            changed = inbox.inbox_version(session=session) != self._version
        if changed:
            self._reload()
        else:
            self._refresh_waiting()

    @rx.event
    @guarded()
    def set_status_filter(self, value: str) -> None:
        self.status_filter = value if value in STATUS_FILTERS else "open"
        self._reload()

    @rx.event
    @guarded()
    def set_search(self, value: str) -> None:
        self.search = value[:200]
        self._reload()

    @rx.event
    @guarded()
    def open_conversation(self, public_id: str) -> None:
        self.selected, self.reply, self.error = public_id, "", ""
        with session_scope() as session:
            self._load_transcript(session)

    @rx.event
    @guarded()
    def set_reply(self, value: str) -> None:
        self.reply = value

    def _log(
        self,
        session: Session,
        actor: audit.Actor,
        action: AuditAction,
        done: TranscriptMessage | None,
    ) -> None:
        """Note a takeover or hand-back that happened (None: it was so already) in the log,
        naming the conversation by its row id (which names no visitor)."""
        conversation = conversations.get_conversation(session=session, public_id=self.selected)
        if done is not None and conversation is not None:
            audit.record_action(
                session=session,
                action=action,
                actor=actor,
                details={"conversation_id": conversation.id},
            )

    def _act(self, action: str) -> None:
        user = self._user()
        if user is None or not self.selected:
            return
        actor = self._actor()
        try:
            with session_scope() as session:
                if action == "take_over":
                    done = handover.take_over(
                        session=session, public_id=self.selected, agent_name=user.name
                    )
                    self._log(session, actor, AuditAction.TAKEOVER, done)
                elif action == "hand_back":
                    done = handover.hand_back(session=session, public_id=self.selected)
                    self._log(session, actor, AuditAction.HAND_BACK, done)
                elif action == "close":
                    handover.close(session=session, public_id=self.selected)
                else:
                    handover.agent_reply(
                        session=session,
                        public_id=self.selected,
                        agent_name=user.name,
                        text=self.reply,
                    )
                    self.reply = ""
            self.error = ""
        except (LookupError, ValueError) as error:
            self.error = str(error)
        self._reload()

    @rx.event
    @guarded()
    def take_over(self) -> None:
        self._act("take_over")

    @rx.event
    @guarded()
    def hand_back(self) -> None:
        self._act("hand_back")

    @rx.event
    @guarded()
    def close(self) -> None:
        self._act("close")

    @rx.event
    @guarded()
    def send_reply(self, _form: dict[str, Any]) -> None:
        self._act("reply")
