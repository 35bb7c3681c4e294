from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field


class EventName(StrEnum):
    """Everything the system records as having happened; flows and funnels read these names.
    Stored as these strings: a new name is a new member, and a renamed one needs a migration."""

    CONVERSATION_STARTED = "conversation_started"
    LANGUAGE_CHOSEN = "language_chosen"
    BOT_ANSWERED = "bot_answered"  # with an FAQ
    BOT_CLARIFIED = "bot_clarified"  # any other reply: clarify, fallback, unknown, handover
    CONTACT_REQUESTED = "contact_requested"
    HANDOVER = "handover"  # an agent took the conversation over
    HANDBACK = "handback"  # the bot answers again
    CLOSED = "closed"
    AGENT_REPLIED = "agent_replied"


class AnalyticsEvent(SQLModel, table=True):
    """Something that happened, for analytics; never holds message text."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    properties: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_at_field()
