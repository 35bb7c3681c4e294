from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Column, DateTime, Index, event, inspect
from sqlmodel import Field, SQLModel

from core.models._types import created_at_field, encrypted_field, utcnow


class ConversationStatus(StrEnum):
    BOT = "bot"  # the bot answers
    HUMAN = "human"  # an agent has taken over; the bot stays quiet
    CLOSED = "closed"


class Channel(StrEnum):
    """Where a conversation takes place."""

    WIDGET = "widget"
    WHATSAPP = "whatsapp"  # continued on WhatsApp (or started there), through Twilio


class LanguageSource(StrEnum):
    """Where a conversation's language came from, by precedence."""

    MANUAL = "manual"  # the visitor chose it in the widget: detection never overrides it
    DETECTED = "detected"  # the language of the visitor's last message
    BROWSER = "browser"
    DEFAULT = "default"  # the business's


# A first path segment that names a part of the site ("pricing", "help-centre", "v2"): letters,
# "-" and "_", at most two digits. Anything else (an order number, an e-mail, a long id) may be
# personal and is not kept in clear.
_SECTION = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


def page_section(url: str | None) -> str | None:
    """The plain, non-personal part of a page URL that analytics may group by: "/" and the
    path's first segment ("/pricing" for https://shop.example/pricing/plans), "/" for the home
    page, None without a URL or when the first segment does not look like a site's section."""
    if url is None:
        return None
    segment = urlsplit(url).path.lstrip("/").split("/")[0]
    if not segment:
        return "/"
    if _SECTION.fullmatch(segment) and sum(c.isdigit() for c in segment) <= 2:
        return f"/{segment}"
    return None


class ConversationBase(SQLModel):
    language: str | None = Field(default=None, max_length=16)
    # The page the chat started on (origin and path; the chat server drops query and fragment).
    # Paths can name a person or an order, so it is encrypted like message text.
    page_url: str | None = encrypted_field(nullable=True)


class Conversation(ConversationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex, max_length=32, unique=True, index=True
    )
    visitor_id: int = Field(foreign_key="visitor.id", index=True)
    status: str = Field(default=ConversationStatus.BOT, max_length=16, index=True)
    # Where `language` came from, by precedence: manual > detected > browser > default.
    language_source: str = Field(default=LanguageSource.DEFAULT, max_length=16)
    channel: str = Field(default=Channel.WIDGET, max_length=16, index=True)
    # "high" once a visitor's message reads angry or badly frustrated: the inbox lists it first.
    urgency: str = Field(default="normal", max_length=16, index=True)
    # page_section(page_url), kept in clear for the flows filter; set whenever page_url is.
    page_section: str | None = Field(default=None, max_length=41)
    created_at: datetime = created_at_field()
    last_message_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # On WhatsApp: the visitor's number (E.164, encrypted) that replies go to, and its keyed
    # hash (core/integrations/whatsapp.py), by which an incoming message finds the conversation.
    whatsapp_to: str | None = encrypted_field(nullable=True)
    whatsapp_key: str | None = Field(default=None, max_length=64)

    __table_args__ = (
        Index("ix_conversation_created_at", "created_at"),
        Index("ix_conversation_whatsapp_key", "whatsapp_key"),
    )


@event.listens_for(Conversation, "before_insert")
def _section_of_new(_mapper: Any, _connection: Any, conversation: Conversation) -> None:
    conversation.page_section = page_section(conversation.page_url)


@event.listens_for(Conversation, "before_update")
def _section_of_changed(_mapper: Any, _connection: Any, conversation: Conversation) -> None:
    if inspect(conversation).attrs.page_url.history.has_changes():
        conversation.page_section = page_section(conversation.page_url)
