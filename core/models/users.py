"""Admin users (owners and agents) and their signed-in sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from core.models._types import as_utc, created_at_field, encrypted_field, utcnow


class UserRole(StrEnum):
    OWNER = "owner"  # everything, including managing users
    AGENT = "agent"  # the inbox and content; cannot manage users


class UserBase(SQLModel):
    # Stored lower-case so that look-ups and the unique index ignore case.
    email: str = Field(max_length=320, unique=True, index=True)
    name: str = Field(max_length=200)
    role: str = Field(default=UserRole.AGENT, max_length=16)
    active: bool = True


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # A person's name, encrypted. The e-mail stays plain: signing in looks it up (unique index).
    name: str = encrypted_field()
    password_hash: str = Field(max_length=255)
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class UserPublic(SQLModel):
    """What the admin app may hold and show: never the password hash."""

    id: int
    email: str
    name: str
    role: UserRole
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserPublic:
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=UserRole(user.role),
            active=user.active,
            created_at=as_utc(user.created_at),
            last_login_at=None if user.last_login_at is None else as_utc(user.last_login_at),
        )


class AdminSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of its token is stored: a leaked database or
    backup then holds nothing that signs anyone in."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
