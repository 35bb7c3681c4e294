from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, encrypted_field


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
    email: EmailStr
    phone: str | None = Field(default=None, max_length=40)
    message: str = Field(min_length=1, max_length=5000)
    conversation_id: int | None = None
