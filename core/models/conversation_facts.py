"""What the dashboards need to know about each conversation, kept current as it is written: the
messages, ratings and events that decide its resolution, and its reply times. Counting them
from a year of messages at every page load took seconds; reading one row per conversation
does not. `core.crud.conversation_facts` computes a row (the definitions of
`core.analytics.quality`); the listener below keeps it current in every session that writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from core.models.conversations import Conversation
from core.models.events import AnalyticsEvent, EventName
from core.models.feedback import Feedback
from core.models.messages import Message


class ConversationFacts(SQLModel, table=True):
    conversation_id: int = Field(
        foreign_key="conversation.id", primary_key=True, ondelete="CASCADE"
    )
    # Message ids (the order messages were stored in): the visitor's first and last message,
    # the bot's last answer from the knowledge base, the last reply by the bot or an agent.
    first_visitor: int | None = None
    last_visitor: int | None = None
    last_answer: int | None = None
    last_reply: int | None = None
    # 1 or 0: a handover message or an agent's; an agent's; an agent joined (event); a contact
    # form sent (event); the latest rating of some message is 👎; of some FAQ answer, 👍.
    handed: int = 0
    agent_wrote: int = 0
    joined: int = 0
    contacted: int = 0
    disliked: int = 0
    liked: int = 0
    # Seconds from the visitor's first message to the first reply after it, and to the last
    # reply (when that is after it), each plus the reply's own measured latency.
    first_response_seconds: float | None = None
    last_reply_seconds: float | None = None


# Events that change a conversation's facts (the rest never do).
FACT_EVENTS = frozenset({EventName.AGENT_JOINED, EventName.CONTACT_REQUESTED})
_STALE = "conversation_facts_stale"


def _conversation_of(row: Any) -> int | None:
    if isinstance(row, Conversation):
        return row.id
    if isinstance(row, Message | Feedback):
        return row.conversation_id
    if isinstance(row, AnalyticsEvent) and row.name in FACT_EVENTS:
        return row.conversation_id
    return None


@event.listens_for(Session, "after_flush")
def _note_stale(session: Session, _context: Any) -> None:
    touched = {_conversation_of(row) for row in (*session.new, *session.dirty, *session.deleted)}
    touched.discard(None)
    if touched:
        session.info.setdefault(_STALE, set()).update(touched)


@event.listens_for(Session, "before_commit")
def _refresh_stale(session: Session) -> None:
    session.flush()  # commit flushes after this hook: what it writes must be noted now
    stale = session.info.pop(_STALE, None)
    if stale:
        from core.crud.conversation_facts import refresh  # crud imports the models

        refresh(session.connection(), sorted(stale))


@event.listens_for(Session, "after_rollback")
def _forget_stale(session: Session) -> None:
    session.info.pop(_STALE, None)
