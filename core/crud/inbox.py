"""The agents' live inbox: conversations by latest activity and transcripts (the take-over,
hand-back, close and reply actions are in `core.crud.handover`).

Results are frozen dataclasses of plain values (the admin keeps them in Reflex state). Functions
flush but never commit: the caller's `session_scope` commits, so the chat server sees a status
change and its notice together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from core.content.rich import plain_text
from core.crud import conversations as conv_crud
from core.crud import messages as msg_crud
from core.models import (
    ContactRequest,
    Conversation,
    ConversationStatus,
    FaqEntry,
    Message,
    Role,
    Visitor,
)
from core.models._types import as_utc
from core.nlp.builtin_intents import HUMAN as HUMAN_INTENT

PREVIEW_CHARS = 120
SEARCH_WINDOW = 500  # newest conversations a search reads: message text is encrypted
SEARCH_CHUNK = 100  # conversations whose messages are decrypted at a time
OPEN = "open"  # list filter: every conversation that is not closed
# The visitor sees these as notices. The agent's name is not shown: it may be a login or e-mail.


class ConversationNotFound(LookupError):
    def __init__(self, public_id: str) -> None:
        super().__init__(f"No conversation with id {public_id!r}")
        self.public_id = public_id


@dataclass(frozen=True)
class ConversationRow:
    public_id: str
    status: str  # "bot", "human" or "closed"
    visitor_label: str  # name from a contact request, else "Visitor " + short visitor id
    visitor_email: str | None
    language: str | None
    preview: str  # "Visitor: ...", "Bot: ...", "Agent: ..." or "System: ..."; "" when empty
    last_message_at: datetime  # UTC
    message_count: int
    waiting_seconds: int | None  # visitor's latest message still unanswered, not when closed
    urgency: str = "normal"  # "high": a visitor's message read angry or badly frustrated
    channel: str = "widget"  # where the conversation takes place (Channel)


@dataclass(frozen=True)
class TranscriptMessage:
    id: int
    role: str
    text: str
    created_at: datetime  # UTC
    confidence: float | None
    faq_id: int | None
    faq_question: str | None
    flags: list[str]
    emotion: str | None = None  # visitor messages: how the message read
    urgency: str | None = None
    # Visitor messages: what the intent head read ("asks for a person", or an FAQ's question)
    # with its confidence, and the entities found ("DATE 2026-11-30").
    intent: str | None = None
    intent_confidence: float | None = None
    entities: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    public_id: str
    status: str
    language: str | None
    visitor_label: str
    visitor_email: str | None
    page_url: str | None
    created_at: datetime  # UTC
    messages: list[TranscriptMessage]  # oldest first


def _people(session: Session, visitor_ids: set[int]) -> dict[int, tuple[str, str | None]]:
    """Label and e-mail per visitor: the newest contact request of any of its conversations
    names a returning visitor too."""
    contacts = session.exec(
        select(Conversation.visitor_id, ContactRequest.name, ContactRequest.email)
        .join(Conversation, col(Conversation.id) == ContactRequest.conversation_id)
        .where(col(Conversation.visitor_id).in_(visitor_ids))
        .order_by(col(ContactRequest.id))
    ).all()
    latest = {visitor_id: (name, email) for visitor_id, name, email in contacts}
    out: dict[int, tuple[str, str | None]] = {}
    for visitor in session.exec(select(Visitor).where(col(Visitor.id).in_(visitor_ids))).all():
        assert visitor.id is not None
        name, email = latest.get(visitor.id, (None, None))
        label = name or visitor.name or f"Visitor {visitor.public_id[:6]}"
        out[visitor.id] = (label, email or visitor.email)
    return out


def _rows(
    session: Session,
    conversations: Sequence[Conversation],
    now: datetime,
    people: dict[int, tuple[str, str | None]],
) -> list[ConversationRow]:
    ids = [c.id for c in conversations]
    # Per conversation: count, newest message, newest visitor message, newest bot/agent reply.
    stats = {
        cid: (count, last, asked, answered)
        for cid, count, last, asked, answered in session.exec(
            select(  # type: ignore[call-overload]  # five columns: past its typed overloads
                Message.conversation_id,
                func.count(),
                func.max(Message.id),
                func.max(case((col(Message.role) == Role.VISITOR, Message.id))),
                func.max(case((col(Message.role).in_([Role.BOT, Role.AGENT]), Message.id))),
            )
            .where(col(Message.conversation_id).in_(ids))
            .group_by(col(Message.conversation_id))
        ).all()
    }
    wanted = {i for count, last, asked, _ in stats.values() for i in (last, asked) if i}
    messages = {
        m.id: m for m in session.exec(select(Message).where(col(Message.id).in_(wanted))).all()
    }
    rows = []
    for conversation in conversations:
        count, last, asked, answered = stats.get(conversation.id, (0, None, None, None))
        preview = ""
        if last in messages:
            preview = _shorten(f"{messages[last].role.capitalize()}: {messages[last].full_text}")
        waiting = None
        unanswered = asked in messages and (answered is None or answered < asked)
        if unanswered and conversation.status != ConversationStatus.CLOSED:
            since = now - as_utc(messages[asked].created_at)
            waiting = max(0, int(since.total_seconds()))
        label, email = people[conversation.visitor_id]
        rows.append(
            ConversationRow(
                public_id=conversation.public_id,
                status=conversation.status,
                visitor_label=label,
                visitor_email=email,
                language=conversation.language,
                preview=preview,
                last_message_at=as_utc(conversation.last_message_at),
                message_count=count,
                waiting_seconds=waiting,
                urgency=conversation.urgency,
                channel=conversation.channel,
            )
        )
    return rows


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


def list_conversations(
    *,
    session: Session,
    status: str | None = None,
    search: str = "",
    limit: int = 100,
    now: datetime,
) -> list[ConversationRow]:
    """Urgent conversations first, then newest activity first. `status` is "bot", "human", "closed", "open" (not closed) or
    None/""/"all". A search matches case-insensitively on the visitor's label and e-mail, the
    conversation id and the text of its messages; as text is stored encrypted it is decrypted
    in Python, so a search reads only the newest SEARCH_WINDOW (500) conversations."""
    query = (
        select(Conversation)
        .where(conv_crud.has_messages())
        .order_by(
            case((col(Conversation.urgency) == "high", 0), else_=1),
            col(Conversation.last_message_at).desc(),
            col(Conversation.id).desc(),
        )
    )
    if status == OPEN:
        query = query.where(col(Conversation.status) != ConversationStatus.CLOSED)
    elif status in set(ConversationStatus):
        query = query.where(col(Conversation.status) == status)
    elif status is not None and status not in ("", "all"):
        raise ValueError(f"Unknown status filter {status!r}")
    needle = " ".join(search.split()).casefold()
    window = session.exec(query.limit(SEARCH_WINDOW if needle else limit)).all()
    people = _people(session, {c.visitor_id for c in window})
    if not needle:
        return _rows(session, window, now, people)
    hits: list[Conversation] = []
    for start in range(0, len(window), SEARCH_CHUNK):
        chunk = window[start : start + SEARCH_CHUNK]
        found = {
            c.id
            for c in chunk
            if needle in c.public_id
            or any(needle in (v or "").casefold() for v in people[c.visitor_id])
        }
        rest = [c.id for c in chunk if c.id not in found]
        for conversation_id, text in session.exec(
            select(Message.conversation_id, Message.text).where(
                col(Message.conversation_id).in_(rest)
            )
        ).all():
            if needle in " ".join(text.split()).casefold():
                found.add(conversation_id)
        hits.extend(c for c in chunk if c.id in found)
        if len(hits) >= limit:
            break
    return _rows(session, hits[:limit], now, people)


def inbox_version(*, session: Session) -> str:
    """Changes whenever a conversation starts, gets a message or changes status: cheap to poll."""
    count, newest, human, closed = session.exec(
        select(
            func.count(),
            func.max(Conversation.last_message_at),
            # Sums of ids, not counts: one conversation handed back while another is taken
            # over still changes the value.
            func.sum(case((col(Conversation.status) == ConversationStatus.HUMAN, Conversation.id))),
            func.sum(
                case((col(Conversation.status) == ConversationStatus.CLOSED, Conversation.id))
            ),
        )
    ).one()
    last = session.exec(select(func.max(Message.id))).one()
    return f"{last or 0}|{count}|{newest}|{human or 0}|{closed or 0}"


def _intent_name(label: str | None, questions: dict[int, str]) -> str | None:
    if label is None:
        return None
    if label == HUMAN_INTENT:
        return "asks for a person"
    return questions.get(int(label), "a deleted FAQ") if label.isdigit() else label


def transcript_message(
    message: Message, faq_question: str | None = None, questions: dict[int, str] | None = None
) -> TranscriptMessage:
    assert message.id is not None
    return TranscriptMessage(
        id=message.id,
        role=message.role,
        # Agents read rich answers (cards, carousels, buttons) in their plain-text form.
        text=plain_text(message.full_text, message.rich or []),
        created_at=as_utc(message.created_at),
        confidence=message.confidence,
        faq_id=message.faq_id,
        faq_question=faq_question,
        flags=list(message.flags),
        emotion=message.emotion,
        urgency=message.urgency,
        intent=_intent_name(message.intent, questions or {}),
        intent_confidence=message.intent_confidence,
        entities=[f"{e.get('type')} {e.get('value')}" for e in message.entities or []],
    )


def transcript(*, session: Session, public_id: str) -> Transcript | None:
    """The conversation with its newest HISTORY_LIMIT messages, or None for an unknown id."""
    conversation = conv_crud.get_conversation(session=session, public_id=public_id)
    if conversation is None:
        return None
    rows = session.exec(
        select(Message, FaqEntry.question)
        .outerjoin(FaqEntry, col(FaqEntry.id) == Message.faq_id)
        .where(Message.conversation_id == conversation.id)
        .order_by(col(Message.id).desc())
        .limit(msg_crud.HISTORY_LIMIT)
    ).all()
    label, email = _people(session, {conversation.visitor_id})[conversation.visitor_id]
    intent_ids = {int(m.intent) for m, _ in rows if m.intent and m.intent.isdigit()}
    questions = {
        faq_id: question
        for faq_id, question in session.exec(
            select(FaqEntry.id, FaqEntry.question).where(col(FaqEntry.id).in_(intent_ids))
        ).all()
        if faq_id is not None
    }
    return Transcript(
        public_id=conversation.public_id,
        status=conversation.status,
        language=conversation.language,
        visitor_label=label,
        visitor_email=email,
        page_url=conversation.page_url,
        created_at=as_utc(conversation.created_at),
        messages=[transcript_message(m, question, questions) for m, question in reversed(rows)],
    )
