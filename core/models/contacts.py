from __future__ import annotations

import re
from datetime import datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, encrypted_field

# An e-mail address as the HTML standard defines a valid one (what a browser's e-mail field
# accepts), with a dot in the domain: the one rule the API states and checks, so a client can
# know before sending which addresses are taken.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
EMAIL_MAX_CHARS = 254  # the longest address SMTP carries (RFC 5321 path, less its brackets)


class ContactRequestBase(SQLModel):
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")


class ContactRequest(ContactRequestBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = encrypted_field()
    email: str = encrypted_field()
    phone: str | None = encrypted_field(nullable=True)
    message: str = encrypted_field()
    status: str = Field(default="new", max_length=16)
    created_at: datetime = created_at_field()


class ContactRequestCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=EMAIL_MAX_CHARS)
    phone: str | None = Field(default=None, max_length=40)
    message: str = Field(min_length=1, max_length=5000)
    conversation_id: int | None = None

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if not re.fullmatch(EMAIL_PATTERN, value):
            raise ValueError("value is not an e-mail address")
        return value
