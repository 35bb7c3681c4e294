"""What an agent does to a conversation: take it over from the bot, reply, hand it back, close.

Each change writes a system notice the visitor's widget shows (it reaches the widget's stream
like any message) and an analytics event. Functions flush but never commit: the caller's
`session_scope` commits, so the chat server sees a status change and its notice together."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.crud.inbox import ConversationNotFound, TranscriptMessage, transcript_message
from core.integrations import whatsapp
from core.models import Conversation, ConversationStatus, EventName, Message, MessageCreate, Role
from core.settings import get_settings

JOINED = "An agent has joined the conversation."
HANDED_BACK = "You're chatting with the assistant again."
CLOSED = "This conversation was closed."


class NotTakenOver(ValueError):
    """Agents reply only in conversations they took over; otherwise the bot answers too."""


def _locked(session: Session, public_id: str) -> Conversation:
    # Two agents clicking at once act one after the other (PostgreSQL; SQLite writes are serial
    # anyway), and the status read is the current one, not a copy the session already holds.
    query = select(Conversation).where(Conversation.public_id == public_id)
    query = query.with_for_update().execution_options(populate_existing=True)
    conversation = session.exec(query).first()
    if conversation is None:
        raise ConversationNotFound(public_id)
    return conversation


def _change(
    session: Session,
    public_id: str,
    status: ConversationStatus,
    notice: str,
    event: EventName,
    agent: str | None = None,
) -> TranscriptMessage | None:
    conversation = _locked(session, public_id)
    if conversation.status == status:
        return None  # a second click (or a second agent) changes nothing and adds no notice
    previous = conversation.status
    conversation.status = status
    if status == ConversationStatus.CLOSED:
        conversation.urgency = "normal"  # dealt with
    message = msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(role=Role.SYSTEM, text=notice),
    )
    whatsapp.forward(session=session, conversation=conversation, message=message)
    event_crud.record_event(
        session=session,
        name=event,
        conversation_id=conversation.id,
        private=None if agent is None else {"agent": agent},
        previous=previous,
    )
    return transcript_message(message)


def take_over(*, session: Session, public_id: str, agent_name: str) -> TranscriptMessage | None:
    """The bot stops answering; the visitor sees JOINED ("An agent has joined the
    conversation."). Reopens a closed conversation. Returns the notice, or None when the
    conversation was already taken over."""
    return _change(
        session, public_id, ConversationStatus.HUMAN, JOINED, EventName.AGENT_JOINED, agent_name
    )


def hand_back(*, session: Session, public_id: str) -> TranscriptMessage | None:
    """The bot answers again. Returns the notice, or None when the bot already answers."""
    return _change(session, public_id, ConversationStatus.BOT, HANDED_BACK, EventName.HANDED_BACK)


def close(*, session: Session, public_id: str) -> TranscriptMessage | None:
    """Returns the notice, or None when already closed. A visitor writing again reopens it."""
    return _change(session, public_id, ConversationStatus.CLOSED, CLOSED, EventName.CLOSED)


def reply_stored(*, session: Session, conversation: Conversation, client_id: str) -> Message | None:
    """The message stored in `conversation` with `client_id`, if any."""
    return session.exec(
        select(Message).where(
            col(Message.conversation_id) == conversation.id, col(Message.client_id) == client_id
        )
    ).first()


def agent_reply(
    *, session: Session, public_id: str, agent_name: str, text: str, client_id: str | None = None
) -> TranscriptMessage:
    """Stores the agent's message (role "agent"); the widget's stream picks it up. Raises
    ValueError for empty or too long text, NotTakenOver unless the conversation is taken over.
    With `client_id` (a reply from elsewhere, such as a Slack event Slack may deliver twice),
    a reply already stored with it is returned instead of a second one."""
    body = text.strip()
    if not body:
        raise ValueError("The reply is empty.")
    limit = get_settings().MAX_MESSAGE_CHARS
    if len(body) > limit:
        raise ValueError(f"The reply has {len(body)} characters; at most {limit} are allowed.")
    conversation = _locked(session, public_id)
    if client_id is not None:
        stored = reply_stored(session=session, conversation=conversation, client_id=client_id)
        if stored is not None:
            return transcript_message(stored)
    if conversation.status != ConversationStatus.HUMAN:
        raise NotTakenOver(
            f"Take over conversation {public_id} before replying "
            f"(it is {conversation.status!r}, so the assistant would answer too)."
        )
    message = msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(role=Role.AGENT, text=body, client_id=client_id),
    )
    whatsapp.forward(session=session, conversation=conversation, message=message)
    event_crud.record_event(
        session=session,
        name=EventName.AGENT_REPLIED,
        conversation_id=conversation.id,
        private={"agent": agent_name},
    )
    return transcript_message(message)
