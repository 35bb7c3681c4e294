from __future__ import annotations

import re
from datetime import datetime

from pydantic import field_validator
from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, json_list_field, utcnow

STEP_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MIN_STEPS, MAX_STEPS = 2, 8
DEFAULT_WINDOW_DAYS = 14
MAX_WINDOW_DAYS = 365


class FunnelBase(SQLModel):
    name: str = Field(min_length=1, max_length=80)
    # Days from a visitor's first step within which every later step must happen.
    window_days: int = Field(default=DEFAULT_WINDOW_DAYS, ge=1, le=MAX_WINDOW_DAYS)


class Funnel(FunnelBase, table=True):
    """An owner's funnel: ordered steps, each a chat event name (conversation_started,
    bot_answered, ...) or the name the business's page tracks (product_viewed, purchase, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(min_length=1, max_length=80, unique=True)
    steps: list[str] = json_list_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


def check_steps(steps: list[str]) -> list[str]:
    """The steps as stored, or ValueError saying which step is wrong and how."""
    cleaned = [str(step).strip() for step in steps]
    if not MIN_STEPS <= len(cleaned) <= MAX_STEPS:
        raise ValueError(
            f"a funnel has {MIN_STEPS} to {MAX_STEPS} steps (this one has {len(cleaned)})"
        )
    for number, step in enumerate(cleaned, start=1):
        if not step:
            raise ValueError(f"step {number} is empty: choose an event")
        if not STEP_NAME.match(step):
            raise ValueError(
                f"step {number} ({step!r}): event names are lowercase letters, digits and _, "
                "starting with a letter"
            )
        if number > 1 and step == cleaned[number - 2]:
            raise ValueError(f"steps {number - 1} and {number} are both {step!r}: remove one")
    return cleaned


class FunnelCreate(FunnelBase):
    steps: list[str]

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the funnel a name")
        return value.strip()

    _steps = field_validator("steps")(classmethod(lambda cls, v: check_steps(v)))


class FunnelPublic(FunnelBase):
    id: int
    steps: list[str]
