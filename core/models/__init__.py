"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from core.models.business import Business, BusinessBase
from core.models.contacts import ContactRequest, ContactRequestCreate
from core.models.conversations import Conversation, ConversationStatus
from core.models.events import AnalyticsEvent
from core.models.faqs import FaqEntry, FaqEntryCreate, FaqEntryUpdate
from core.models.feedback import Feedback
from core.models.messages import Message, MessageCreate, MessagePublic, Role
from core.models.users import AdminSession, User, UserPublic, UserRole
from core.models.visitors import Visitor

__all__ = [
    "AdminSession",
    "AnalyticsEvent",
    "Business",
    "BusinessBase",
    "ContactRequest",
    "ContactRequestCreate",
    "Conversation",
    "ConversationStatus",
    "FaqEntry",
    "FaqEntryCreate",
    "FaqEntryUpdate",
    "Feedback",
    "Message",
    "MessageCreate",
    "MessagePublic",
    "Role",
    "User",
    "UserPublic",
    "UserRole",
    "Visitor",
]
