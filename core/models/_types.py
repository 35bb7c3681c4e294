"""Column helpers shared by the table families."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field

from core.crypto import EncryptedJSONList, EncryptedText


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


def encrypted_field(*, nullable: bool = False) -> Any:
    default = None if nullable else ...
    return Field(default=default, sa_type=EncryptedText, nullable=nullable)


def json_list_field() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def encrypted_json_list_field() -> Any:
    """A list of personal details (what was read in a message), stored encrypted."""
    return Field(default_factory=list, sa_column=Column(EncryptedJSONList, nullable=False))
