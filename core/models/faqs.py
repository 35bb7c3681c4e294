from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, json_list_field, utcnow


class FaqEntryBase(SQLModel):
    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=5000)
    short_answer: str | None = Field(default=None, max_length=500)
    category: str | None = Field(default=None, max_length=64, index=True)
    language: str = Field(default="en", max_length=16)
    published: bool = True


class FaqEntry(FaqEntryBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phrasings: list[str] = json_list_field()
    # Rich blocks shown with the answer (image, video, card, carousel, buttons); see core/rich.py.
    media: list[dict[str, Any]] = json_list_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class FaqEntryCreate(FaqEntryBase):
    phrasings: list[str] = []


class FaqEntryUpdate(SQLModel):
    question: str | None = None
    answer: str | None = None
    short_answer: str | None = None
    category: str | None = None
    language: str | None = None
    published: bool | None = None
    phrasings: list[str] | None = None
