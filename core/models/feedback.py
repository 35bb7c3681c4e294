from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, encrypted_field


class Feedback(SQLModel, table=True):
    # The quality dashboard finds each answer's latest rating (migration 0009).
    __table_args__ = (Index("ix_feedback_message_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    rating: int  # +1 helpful, -1 not helpful
    comment: str | None = encrypted_field(nullable=True)
    created_at: datetime = created_at_field()
