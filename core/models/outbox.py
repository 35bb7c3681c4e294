"""The outbox: everything sent outside (Slack, SMS, a CRM, e-mail), written in the transaction
of what caused it and delivered later by the jobs runner (core/integrations/delivery.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from core.crypto import EncryptedJSON
from core.models._types import created_at_field, encrypted_field, utcnow


class OutboxChannel(StrEnum):
    """Where an entry goes; each has one delivery function (core/integrations/channels.py)."""

    SLACK = "slack"
    EMAIL = "email"
    SMS = "sms"
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"
    WHATSAPP = "whatsapp"
    # An erased visitor deleted from the CRM (core/integrations/crm_erasure.py).
    HUBSPOT_ERASURE = "hubspot-erasure"
    SALESFORCE_ERASURE = "salesforce-erasure"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # not tried yet (or retried from the admin)
    FAILED = "failed"  # the last attempt failed; tried again at next_attempt_at
    DELIVERED = "delivered"
    DEAD = "dead"  # kept failing past OUTBOX_MAX_AGE_HOURS: waits for a retry from the admin


# The runner claims entries in these states once they are due and their lease has run out.
DUE_STATES = (OutboxStatus.PENDING, OutboxStatus.FAILED)


class OutboxEntryBase(SQLModel):
    channel: str = Field(max_length=32)  # OutboxChannel
    # One entry per key; the receiver is sent it, so it can drop a repeat.
    idempotency_key: str = Field(max_length=200, unique=True)
    # The conversation it is about, if any: erasing the visitor deletes their entries.
    conversation_id: int | None = Field(
        default=None, foreign_key="conversation.id", ondelete="CASCADE", index=True
    )


class OutboxEntry(OutboxEntryBase, table=True):
    __table_args__ = (Index("ix_outboxentry_status_next_attempt_at", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # What the channel sends (for Slack: text and Block Kit blocks); it names people and quotes
    # visitors, so it is encrypted like message text.
    payload: dict[str, Any] = Field(sa_column=Column(EncryptedJSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # A runner's claim: until then no other runner takes the entry; a runner killed while
    # delivering leaves it to be taken again once the lease runs out.
    claimed_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    claim_token: str | None = Field(default=None, max_length=32)
    # A runner's lease ran out before it recorded an outcome (it died while sending): the receiver
    # may already have the entry, so the next delivery looks first where the channel can.
    unsure: bool = False
    # The receiver's last error; it may quote what was sent, so it is encrypted too.
    last_error: str | None = encrypted_field(nullable=True)
    created_at: datetime = created_at_field()
    # When the current round of attempts began (created, or retried from the admin): an entry
    # still failing OUTBOX_MAX_AGE_HOURS after it is dead.
    started_at: datetime = created_at_field()
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # What the receiver calls what it was sent, when its channel says (a CRM's record id of the
    # contact or lead): it leads to a person in the CRM, so it is encrypted.
    receipt: str | None = encrypted_field(nullable=True)


class OutboxEntryPublic(SQLModel):
    """An entry as the admin lists it."""

    id: int
    channel: str
    status: str
    attempts: int
    summary: str  # the payload's plain-text line
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    conversation_public_id: str | None
