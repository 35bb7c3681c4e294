from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field


class AnalyticsEvent(SQLModel, table=True):
    """Something that happened, for analytics; never holds message text."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    properties: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_at_field()
