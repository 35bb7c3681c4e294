from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from core.crypto import EncryptedJSON
from core.models._types import created_at_field


class EventName(StrEnum):
    """Everything the system records as having happened; flows and funnels read these names.
    Stored as these strings: a new name is a new member, and a renamed one needs a migration
    (docs/analytics.md lists each with its properties)."""

    # Written by the server, in the transaction of what they describe.
    CONVERSATION_STARTED = "conversation_started"
    VISITOR_MESSAGE = "visitor_message"  # intent, emotion, language; never the text
    LANGUAGE_CHOSEN = "language_chosen"
    BOT_ANSWERED = "bot_answered"  # an FAQ's answer: faq_id, intent, confidence, kind
    BOT_CLARIFIED = "bot_clarified"  # "Are you asking about:" with the likeliest FAQs
    BOT_FELL_BACK = "bot_fell_back"  # still unclear, or nothing close: kind fallback / unknown
    BOT_HANDED_OVER = "bot_handed_over"  # the visitor asked for a person; the bot offered one
    AGENT_JOINED = "agent_joined"  # an agent took the conversation over
    AGENT_REPLIED = "agent_replied"
    HANDED_BACK = "handed_back"  # the bot answers again
    CONTACT_REQUESTED = "contact_requested"  # the contact form was sent
    FEEDBACK_GIVEN = "feedback_given"  # rating +1 / -1, message_id, faq_id
    CLOSED = "closed"
    # Sent by the business's own page through SupportChat.track(name, properties); `label`
    # holds the business's name for the step (product_viewed, signup, purchase, ...).
    TRACKED = "tracked"


class AnalyticsEvent(SQLModel, table=True):
    """Something that happened, for analytics; never holds message text or an IP address.

    `visitor_key` is the pseudonymous id the widget keeps in the visitor's browser (also on
    `Visitor.browser_key` once they chat), so events of visitors who never chat can be compared
    with those who do, and privacy export and erasure find them. Server-side events reach their
    visitor through `conversation_id`. The typed columns are what dashboards aggregate in SQL;
    `properties` keeps the server's other labels, `private_properties` what may be personal."""

    __table_args__ = (
        # Funnels find a chat step by its name, a tracked step by its label, over a period; the
        # other columns are what a step reads, so PostgreSQL need not visit the table.
        Index(
            "ix_analyticsevent_name_created_at",
            "name",
            "created_at",
            "conversation_id",
            "visitor_key",
        ),
        Index("ix_analyticsevent_created_at", "created_at"),
        Index("ix_analyticsevent_label_created_at", "label", "created_at", "name", "visitor_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    visitor_key: str | None = Field(default=None, max_length=32, index=True)
    faq_id: int | None = Field(default=None, foreign_key="faqentry.id", ondelete="SET NULL")
    label: str | None = Field(default=None, max_length=64)
    value: float | None = None
    currency: str | None = Field(default=None, max_length=3)
    # The server's labels (intent, kind, rating, ...), plain: dashboards read them in SQL.
    properties: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # What may be personal, encrypted like the other personal columns (no dashboard reads it):
    # a tracked step's properties as the business's page sent them (free values: a product, a
    # city), and the agent's name on agent_joined / agent_replied.
    private_properties: dict[str, Any] | None = Field(
        default=None, sa_column=Column(EncryptedJSON, nullable=True)
    )
    created_at: datetime = created_at_field()


class PanelState(StrEnum):
    CLOSED = "closed"  # only the launcher (and a proactive bubble) shows
    CHAT = "chat"
    CONTACT = "contact"  # the contact form


class WidthClass(StrEnum):
    """The visitor's viewport width, in the widget's own breakpoints."""

    NARROW = "narrow"  # under 480 px: the panel fills the screen
    MEDIUM = "medium"  # 480-1023 px
    WIDE = "wide"  # 1024 px and more


class WidgetClick(SQLModel, table=True):
    """One click inside the widget, for its heatmap: the stable key of the element clicked (its
    `data-track` attribute) and where inside that element (x, y) and inside the panel
    (panel_x, panel_y), each from 0 to 1. Nothing else about the page or the visitor."""

    __table_args__ = (Index("ix_widgetclick_panel_created_at", "panel", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    visitor_key: str = Field(max_length=32, index=True)
    conversation_id: int | None = Field(
        default=None, foreign_key="conversation.id", ondelete="SET NULL"
    )
    element: str = Field(max_length=64)  # "launcher", "quick_reply", "send", ... or "none"
    panel: str = Field(max_length=16)  # PanelState
    width_class: str = Field(max_length=8)  # WidthClass
    x: float  # inside the element
    y: float
    panel_x: float  # inside the panel (the launcher's box when the panel is closed)
    panel_y: float
    rage: bool = False  # the third of three clicks within 1 s on one spot
    dead: bool = False  # on nothing interactive
    created_at: datetime = created_at_field()
