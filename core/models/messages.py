from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models._types import (
    as_utc,
    created_at_field,
    encrypted_field,
    encrypted_json_list_field,
    json_list_field,
)


class Role(StrEnum):
    VISITOR = "visitor"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class ReplyKind(StrEnum):
    """What kind of reply a bot message is; stored in `Message.kind` as these strings."""

    ANSWER = "answer"  # an FAQ's answer
    CLARIFY = "clarify"  # "Are you asking about:" with the likeliest FAQs
    FALLBACK = "fallback"  # still unclear after a clarifying question: a person or the form
    UNKNOWN = "unknown"  # nothing in the knowledge base is close
    HANDOVER = "handover"  # the visitor asked for a person


class MessageBase(SQLModel):
    role: str = Field(max_length=16)
    client_id: str | None = Field(default=None, max_length=64)


class Message(MessageBase, table=True):
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_id"),
        # Dashboards pick a period's answers by time (migration 0009).
        Index("ix_message_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    text: str = encrypted_field()
    created_at: datetime = created_at_field()
    # Bot answers: time from receiving the visitor's message to the stored answer.
    latency_ms: float | None = None
    faq_id: int | None = Field(default=None, foreign_key="faqentry.id", ondelete="SET NULL")
    # A bot answer points at the visitor message it answers.
    reply_to_id: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    confidence: float | None = None
    quick_replies: list[str] = json_list_field()
    actions: list[str] = json_list_field()
    # What the content filter did to a visitor's text ("pii:CREDIT_CARD", "profanity").
    flags: list[str] = json_list_field()
    # Detected language of a visitor's message (ISO 639-1), a plain label for analytics.
    language: str | None = Field(default=None, max_length=16)
    # How a visitor's message reads (core/nlp/emotions.py): plain labels for analytics.
    emotion: str | None = Field(default=None, max_length=16)
    polarity: str | None = Field(default=None, max_length=16)
    urgency: str | None = Field(default=None, max_length=16)
    # Bot answers: rich blocks (images, cards, carousel, buttons) beside the plain text, and what
    # kind of reply it was (a ReplyKind).
    rich: list[dict[str, Any]] = json_list_field()
    kind: str | None = Field(default=None, max_length=16)
    # Bot answers in another language than the visitor's: a note in theirs, shown as its own part.
    note: str | None = encrypted_field(nullable=True)
    note_language: str | None = Field(default=None, max_length=16)
    # Visitor messages: the intent head's reading (plain, for analytics) and the entities found
    # (e-mail addresses, phones, names, orders: encrypted like the text they were read in).
    intent: str | None = Field(default=None, max_length=64)
    intent_confidence: float | None = None
    entities: list[dict[str, Any]] = encrypted_json_list_field()

    @property
    def full_text(self) -> str:
        """The text with its note, if any: what a plain-text reader (the inbox, a channel) shows."""
        return f"{self.text} {self.note}" if self.note else self.text


class MessageCreate(MessageBase):
    text: str
    latency_ms: float | None = None
    faq_id: int | None = None
    reply_to_id: int | None = None
    confidence: float | None = None
    quick_replies: list[str] = []
    actions: list[str] = []
    flags: list[str] = []
    language: str | None = None
    emotion: str | None = None
    polarity: str | None = None
    urgency: str | None = None
    rich: list[dict[str, Any]] = []
    kind: ReplyKind | None = None
    note: str | None = None
    note_language: str | None = None
    intent: str | None = None
    intent_confidence: float | None = None
    entities: list[dict[str, Any]] = []


class MessagePublic(SQLModel):
    id: int
    role: str
    text: str
    created_at: datetime
    client_id: str | None
    faq_id: int | None
    confidence: float | None
    latency_ms: float | None
    quick_replies: list[str]
    actions: list[str]
    flags: list[str]
    rich: list[dict[str, Any]] = []
    kind: ReplyKind | None = None  # bot replies only
    # The language a message is written in: detected for a visitor's, chosen for a bot answer.
    language: str | None = None
    # A bot answer in another language than the visitor's carries a note in theirs. `text` ends
    # with it too (after a space), so a client that ignores these fields still shows it; the
    # widget shows the two parts apart, each with its own language.
    note: str | None = None
    note_language: str | None = None
    # The visitor's rating of the message (1 helpful, -1 not), in a conversation's history only.
    rating: int | None = None

    @property
    def answer_text(self) -> str:
        """`text` without its note: the part written in `language`."""
        tail = f" {self.note}" if self.note else ""
        return self.text[: -len(tail)] if tail and self.text.endswith(tail) else self.text

    @classmethod
    def of(cls, message: Message) -> MessagePublic:
        assert message.id is not None
        return cls(
            id=message.id,
            role=message.role,
            text=message.full_text,
            created_at=as_utc(message.created_at),
            client_id=message.client_id,
            faq_id=message.faq_id,
            confidence=None if message.confidence is None else round(message.confidence, 4),
            latency_ms=None if message.latency_ms is None else round(message.latency_ms, 2),
            quick_replies=list(message.quick_replies),
            actions=list(message.actions),
            flags=list(message.flags),
            rich=list(message.rich or []),
            kind=None if message.kind is None else ReplyKind(message.kind),
            language=message.language,
            note=message.note,
            note_language=message.note_language,
        )
