from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, utcnow


class ConversationStatus(StrEnum):
    BOT = "bot"  # the bot answers
    HUMAN = "human"  # an agent has taken over; the bot stays quiet
    CLOSED = "closed"


class Channel(StrEnum):
    """Where a conversation takes place."""

    WIDGET = "widget"


class LanguageSource(StrEnum):
    """Where a conversation's language came from, by precedence."""

    MANUAL = "manual"  # the visitor chose it in the widget: detection never overrides it
    DETECTED = "detected"  # the language of the visitor's last message
    BROWSER = "browser"
    DEFAULT = "default"  # the business's


class ConversationBase(SQLModel):
    language: str | None = Field(default=None, max_length=16)
    page_url: str | None = Field(default=None, max_length=2048)


class Conversation(ConversationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex, max_length=32, unique=True, index=True
    )
    visitor_id: int = Field(foreign_key="visitor.id", index=True)
    status: str = Field(default=ConversationStatus.BOT, max_length=16, index=True)
    # Where `language` came from, by precedence: manual > detected > browser > default.
    language_source: str = Field(default=LanguageSource.DEFAULT, max_length=16)
    channel: str = Field(default=Channel.WIDGET, max_length=16, index=True)
    # "high" once a visitor's message reads angry or badly frustrated: the inbox lists it first.
    urgency: str = Field(default="normal", max_length=16, index=True)
    created_at: datetime = created_at_field()
    last_message_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    __table_args__ = (Index("ix_conversation_created_at", "created_at"),)
