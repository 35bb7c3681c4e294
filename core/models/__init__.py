"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from core.models.assessment import AnalyticsAssumptions, AnswerReview
from core.models.audit import AuditAction, AuditEntry
from core.models.business import Business, BusinessBase
from core.models.contacts import ContactRequest, ContactRequestCreate
from core.models.conversation_facts import AnswerFacts, ConversationFacts
from core.models.conversations import Conversation, ConversationStatus, LanguageSource
from core.models.events import AnalyticsEvent, EventName, PanelState, WidgetClick, WidthClass
from core.models.faqs import FaqEntry, FaqEntryCreate, FaqEntryUpdate
from core.models.feedback import Feedback
from core.models.funnels import Funnel, FunnelCreate, FunnelPublic
from core.models.integration_settings import IntegrationSetting
from core.models.messages import Message, MessageCreate, MessagePublic, ReplyKind, Role
from core.models.outbox import (
    OutboxChannel,
    OutboxEntry,
    OutboxEntryPublic,
    OutboxStatus,
)
from core.models.users import AdminSession, User, UserPublic, UserRole
from core.models.visitors import ShreddedKey, Visitor

__all__ = [
    "AdminSession",
    "AnalyticsAssumptions",
    "AnalyticsEvent",
    "AnswerFacts",
    "AnswerReview",
    "AuditAction",
    "AuditEntry",
    "Business",
    "BusinessBase",
    "ContactRequest",
    "ContactRequestCreate",
    "Conversation",
    "ConversationFacts",
    "ConversationStatus",
    "EventName",
    "FaqEntry",
    "FaqEntryCreate",
    "FaqEntryUpdate",
    "Feedback",
    "Funnel",
    "FunnelCreate",
    "FunnelPublic",
    "IntegrationSetting",
    "LanguageSource",
    "Message",
    "MessageCreate",
    "MessagePublic",
    "OutboxChannel",
    "OutboxEntry",
    "OutboxEntryPublic",
    "OutboxStatus",
    "PanelState",
    "ReplyKind",
    "Role",
    "User",
    "UserPublic",
    "UserRole",
    "ShreddedKey",
    "Visitor",
    "WidgetClick",
    "WidthClass",
]
