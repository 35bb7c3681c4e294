"""The audit log: who did what to personal data, when, and from which address. The application
only appends to it (core/crud/audit.py has no update or delete)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, encrypted_field


class AuditAction(StrEnum):
    """What was done; stored as these strings (at most 16 characters)."""

    EXPORT = "export"  # one visitor's data downloaded (admin) or written to a file (command)
    ERASURE = "erasure"  # one visitor's data erased
    SIGN_IN = "sign-in"  # an admin user signed in
    SIGN_IN_REFUSED = "sign-in-refused"  # a wrong password, or a deactivated account
    SIGN_OUT = "sign-out"
    USER_ADDED = "user-added"
    ROLE_CHANGE = "role-change"
    ACCESS_CHANGE = "access-change"  # a user's access switched on or off
    PASSWORD_RESET = "password-reset"
    SETTINGS_CHANGE = "settings-change"  # the business's settings saved with changes
    TAKEOVER = "takeover"  # an agent took a conversation over from the bot
    HAND_BACK = "hand-back"  # and gave it back
    RETENTION = "retention"  # what was older than the retention limits erased
    # An integration's credentials, settings or CRM field mapping changed (names, not values)
    INTEGRATION_CHANGE = "integrations"


# Actions on one visitor's personal data (the Privacy page lists these).
PERSONAL_DATA_ACTIONS = (AuditAction.EXPORT, AuditAction.ERASURE)


class AuditEntry(SQLModel, table=True):
    """One action: on personal data (an export, an erasure), on access (sign-ins, users and
    their roles), on the settings, or on a conversation (a takeover). It names who acted, never
    a visitor: the log outlives an erasure, so it keeps only how they were found (e-mail, phone
    or id) and how many rows of each kind there were; other actions keep ids (a user's, a
    conversation's) and the names of changed settings, never their values."""

    __table_args__ = (Index("ix_auditentry_created_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=16)
    # The admin user who acted; None from the command line (or once that user is erased).
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # Who acted, as named then: the user's e-mail address, or "command line (<system user>)".
    actor: str = encrypted_field()
    address: str | None = encrypted_field(nullable=True)  # the browser's IP address
    # {"found_by": "email", "rows": {"visitor": 1, "message": 12, ...}}, {"user_id": 3, "from":
    # "agent", "to": "owner"}, {"fields": ["greeting"]}, {"conversation_id": 42}: no value that
    # names anyone.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_at_field()
