from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import field_validator
from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from core.content.rich import RichError, validate_blocks
from core.models._types import created_at_field, json_list_field, utcnow

_WHERE = re.compile(r"^(\d+)(?:\.(image|video|card|carousel|buttons))?\.?")


def _readable(problem: str) -> str:
    # "0.card.link.url: Value error, must be ..." -> "block 1 (card) link.url: must be ..."
    problem = problem.replace("Value error, ", "")
    found = _WHERE.match(problem)
    if found is None:
        return problem
    kind = f" ({found.group(2)})" if found.group(2) else ""
    rest = problem[found.end() :]
    where = f"block {int(found.group(1)) + 1}{kind}"
    return f"{where}{rest}" if rest.startswith(":") else f"{where} {rest}"


def check_media(value: Any) -> Any:
    """FAQ media as stored (core.rich.validate_blocks), or ValueError naming each problem by
    block ("block 2 (card) link.url: ..."). None passes through (an update that keeps it)."""
    if value is None:
        return None
    try:
        return validate_blocks(value)
    except RichError as error:
        raise ValueError("; ".join(_readable(p) for p in str(error).split("; "))) from None


class FaqEntryBase(SQLModel):
    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=5000)
    short_answer: str | None = Field(default=None, max_length=500)
    category: str | None = Field(default=None, max_length=64, index=True)
    language: str = Field(default="en", max_length=16)
    published: bool = True
    # The FAQ this one translates (its source, in the business's default language): the bot
    # answers a visitor in their language from the translation when there is one.
    translation_of: int | None = Field(
        default=None, foreign_key="faqentry.id", ondelete="SET NULL", index=True
    )


class FaqEntry(FaqEntryBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phrasings: list[str] = json_list_field()
    # Rich blocks shown with the answer (image, video, card, carousel, buttons); see core/content/rich.py.
    media: list[dict[str, Any]] = json_list_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class FaqEntryCreate(FaqEntryBase):
    phrasings: list[str] = []
    # Rich blocks shown with the answer, checked by core.rich.validate_blocks.
    media: list[dict[str, Any]] = []

    _media = field_validator("media", mode="before")(classmethod(lambda cls, v: check_media(v)))


class FaqEntryUpdate(SQLModel):
    question: str | None = None
    answer: str | None = None
    short_answer: str | None = None
    category: str | None = None
    language: str | None = None
    published: bool | None = None
    translation_of: int | None = None
    phrasings: list[str] | None = None
    media: list[dict[str, Any]] | None = None

    _media = field_validator("media", mode="before")(classmethod(lambda cls, v: check_media(v)))
