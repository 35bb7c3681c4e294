"""What the quality and ROI dashboards keep besides events: the review of weak bot answers, and
the owner's assumptions (costs, attribution window, industry baselines)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, utcnow


class AnswerReview(SQLModel, table=True):
    """A bot answer from the quality review queue that someone has looked at ("mark reviewed");
    an answer without a row here is still waiting."""

    message_id: int = Field(foreign_key="message.id", primary_key=True, ondelete="CASCADE")
    reviewed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reviewed_at: datetime = created_at_field()


class AnalyticsAssumptions(SQLModel, table=True):
    """The owner's figures the ROI and benchmark cannot measure (a single row). `baselines` is
    the industry list from data/analytics/baselines.json once the owner edits it; empty means
    the shipped list."""

    id: int | None = Field(default=None, primary_key=True)
    currency: str = Field(default="USD", max_length=3)
    # What one conversation handled by a person costs the business (wage, tools, overhead).
    human_conversation_cost: float = Field(default=6.0, ge=0)
    monthly_running_cost: float = Field(default=50.0, ge=0)  # hosting, upkeep of this system
    attribution_days: int = Field(default=7, ge=0, le=90)  # purchase within N days of a chat
    baselines: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
