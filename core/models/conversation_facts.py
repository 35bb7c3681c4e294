"""What the dashboards need to know about each conversation, kept current as it is written: the
messages, ratings and events that decide its resolution, its reply times, and what followed
each of the bot's answers. Counting them from a year of messages at every page load took
seconds; reading one row per conversation (or answer) does not. `core.crud.conversation_facts`
computes the rows (the definitions of `core.analytics.quality`); the listener below keeps them
current in every session that writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Text, event
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
    # Its path for the flows: the step events in order (tokens of `core.analytics.flows`; no
    # text, no topic names), and whether the visitor gave a thumbs-down at any time.
    path: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    thumbs_down: int = 0


class AnswerFacts(SQLModel, table=True):
    """One bot answer from the knowledge base, with what the quality score needs from the
    messages after it and from the visitor's rating of it."""

    __table_args__ = (Index("ix_answerfacts_created_at", "created_at"),)

    message_id: int = Field(foreign_key="message.id", primary_key=True, ondelete="CASCADE")
    conversation_id: int = Field(foreign_key="conversation.id", index=True, ondelete="CASCADE")
    faq_id: int
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    confidence: float | None = None
    latency_ms: float | None = None
    # 1 or 0: none of the next two replies was an agent's, a clarification, a fallback, an
    # "I don't know", a handover or the same FAQ again; one of them was the same FAQ again.
    complete: int
    reasked: int
    rating: int | None = None  # the visitor's latest rating of it


# Events that change a conversation's facts (the rest never do): its steps, and ratings.
STEP_EVENTS = (
    EventName.BOT_ANSWERED,
    EventName.BOT_CLARIFIED,
    EventName.BOT_FELL_BACK,
    EventName.BOT_HANDED_OVER,
    EventName.AGENT_JOINED,
    EventName.CONTACT_REQUESTED,
)
FACT_EVENTS = frozenset({*STEP_EVENTS, EventName.FEEDBACK_GIVEN})
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
