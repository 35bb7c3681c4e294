from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from core.models._types import json_list_field


class BusinessBase(SQLModel):
    name: str = Field(max_length=200)
    greeting: str = Field(max_length=500)
    default_language: str = Field(default="en", max_length=16)
    timezone: str = Field(default="UTC", max_length=64)
    color: str = Field(default="#0b6e4f", max_length=16)
    position: str = Field(default="right", max_length=8)


class Business(BusinessBase, table=True):
    """The one business this installation serves (a single row)."""

    id: int | None = Field(default=None, primary_key=True)
    hours: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    products: list[str] = json_list_field()
    contact: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
