from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, encrypted_field


class VisitorBase(SQLModel):
    language: str | None = Field(default=None, max_length=16)


class Visitor(VisitorBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex, max_length=32, unique=True, index=True
    )
    # The pseudonymous id the widget keeps in the browser (analytics events carry it), when
    # the widget sent one; links what the visitor did before chatting to their conversations.
    visitor_key: str | None = Field(default=None, max_length=32, index=True)
    # Personal fields are filled only when the visitor tells us (contact form, agent).
    name: str | None = encrypted_field(nullable=True)
    email: str | None = encrypted_field(nullable=True)
    phone: str | None = encrypted_field(nullable=True)
    # The id of this visitor's data key in the key store (core/data_keys.py): their personal
    # fields, and those of their conversations' rows, are encrypted with it. Erasure destroys it.
    data_key_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_at_field()


class ShreddedKey(SQLModel, table=True):
    """A data key destroyed by an erasure: kept so the key is destroyed again if the key store is
    restored from a copy older than the erasure (core/privacy/shredding.py, `sweep`)."""

    key_id: str = Field(primary_key=True, max_length=32)
    shredded_at: datetime = created_at_field()
