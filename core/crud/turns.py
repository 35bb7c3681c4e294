"""Storing a visitor's turn: their messages, the bot's answers and the events, in the caller's
transaction, with retries of a client_id answered by the turn stored the first time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.crud import events as event_crud
from core.crud.messages import last_ids, new_message, reply_to
from core.integrations import alerts, whatsapp
from core.models import (
    Conversation,
    ConversationStatus,
    EventName,
    FaqEntry,
    Message,
    MessageCreate,
    MessagePublic,
    ReplyKind,
    Role,
)
from core.models._types import utcnow
from core.settings import get_settings


@dataclass(frozen=True)
class StoredTurn:
    """A visitor's message as stored, with the bot's answer to it (None: no answer)."""

    message: MessagePublic
    reply: MessagePublic | None


@dataclass(frozen=True)
class TurnIn:
    """One request's messages in one conversation, with the bot's answers (None: quiet)."""

    conversation_id: int
    messages: Sequence[MessageCreate]
    replies: Sequence[MessageCreate | None]
    urgent: bool = False  # the conversation stays flagged until an agent closes it
    language: tuple[str, str] | None = None  # the conversation's language and its source


@dataclass
class StoredTurns:
    turns: list[list[StoredTurn]]  # per TurnIn, in the order of its messages
    # Per conversation: the last message id before these turns, and the messages they added.
    before: dict[int, int] = field(default_factory=dict)
    added: dict[int, list[MessagePublic]] = field(default_factory=dict)


def conversations_by_id(*, session: Session, ids: Iterable[int]) -> dict[int, Conversation]:
    rows = session.exec(select(Conversation).where(col(Conversation.id).in_(set(ids)))).all()
    return {c.id: c for c in rows if c.id is not None}


def last_bot_kind(*, session: Session, conversation_id: int) -> ReplyKind | None:
    kind = session.exec(
        select(Message.kind)
        .where(Message.conversation_id == conversation_id, Message.role == Role.BOT)
        .order_by(col(Message.id).desc())
        .limit(1)
    ).first()
    return None if kind is None else ReplyKind(kind)


def _already_stored(session: Session, turns: Sequence[TurnIn]) -> dict[tuple[int, str], StoredTurn]:
    """Turns already stored under a client_id: a retry gets them back instead of a copy."""
    wanted = {(t.conversation_id, m.client_id) for t in turns for m in t.messages if m.client_id}
    if not wanted:
        return {}
    rows = session.exec(
        select(Message).where(
            col(Message.conversation_id).in_({c for c, _ in wanted}),
            col(Message.client_id).in_({k for _, k in wanted}),
        )
    ).all()
    out = {}
    for row in rows:
        key = (row.conversation_id, row.client_id or "")
        if key in wanted:
            answer = reply_to(session=session, message=row)
            out[key] = StoredTurn(
                MessagePublic.of(row), None if answer is None else MessagePublic.of(answer)
            )
    return out


def _live_faqs(session: Session, turns: Sequence[TurnIn]) -> set[int | None]:
    """FAQs that still exist: one deleted since the bot's index was built loses its link
    instead of failing the visitor's message."""
    wanted = {r.faq_id for t in turns for r in t.replies if r is not None and r.faq_id}
    return set(session.exec(select(FaqEntry.id).where(col(FaqEntry.id).in_(wanted))).all())


def _update_conversation(conversation: Conversation, turn: TurnIn) -> bool:
    """Returns whether the turn made the conversation urgent."""
    was_urgent = conversation.urgency == "high"
    if conversation.status == ConversationStatus.CLOSED:
        conversation.status = ConversationStatus.BOT  # writing again reopens it
    conversation.last_message_at = utcnow()
    if turn.language is not None:
        conversation.language, conversation.language_source = turn.language
    if turn.urgent:
        conversation.urgency = "high"  # stays until an agent closes it
    return turn.urgent and not was_urgent


_REPLY_EVENTS = {
    ReplyKind.ANSWER: EventName.BOT_ANSWERED,
    ReplyKind.CLARIFY: EventName.BOT_CLARIFIED,
    ReplyKind.FALLBACK: EventName.BOT_FELL_BACK,
    ReplyKind.UNKNOWN: EventName.BOT_FELL_BACK,
    ReplyKind.HANDOVER: EventName.BOT_HANDED_OVER,
}


def _asked(session: Session, message: Message) -> None:
    event_crud.record_event(
        session=session,
        name=EventName.VISITOR_MESSAGE,
        conversation_id=message.conversation_id,
        intent=message.intent,
        emotion=message.emotion,
        language=message.language,
    )


def _answered(session: Session, question: Message, answer: Message) -> None:
    if answer.kind:
        kind = ReplyKind(answer.kind)
    else:
        kind = ReplyKind.ANSWER if answer.faq_id is not None else ReplyKind.UNKNOWN
    name = _REPLY_EVENTS[kind]
    if name == EventName.BOT_ANSWERED and answer.faq_id is None:
        name = EventName.BOT_FELL_BACK  # its FAQ was deleted while the bot was answering
    event_crud.record_event(
        session=session,
        name=name,
        conversation_id=answer.conversation_id,
        faq_id=answer.faq_id,
        kind=kind,
        intent=question.intent,
        confidence=answer.confidence,
        latency_ms=round(answer.latency_ms or 0.0, 2),
    )


def store_turns(
    *, session: Session, conversations: dict[int, Conversation], turns: Sequence[TurnIn]
) -> StoredTurns:
    """Store every turn in the caller's transaction (one round of INSERTs); `conversations`
    holds each turn's conversation (conversations_by_id). A message whose client_id is already
    stored is not stored again: its turn is the one stored the first time."""
    stored = _already_stored(session, turns)
    live = _live_faqs(session, turns)
    result = StoredTurns(
        [], before=last_ids(session=session, conversation_ids={t.conversation_id for t in turns})
    )
    fresh: list[tuple[int, Message, Message | None]] = []  # (turn index, question, answer)
    claimed: set[tuple[int, str]] = set()
    urgent: set[int] = set()  # turns that made their conversation urgent
    for index, turn in enumerate(turns):
        if _update_conversation(conversations[turn.conversation_id], turn):
            urgent.add(index)
        for message_in, reply_in in zip(turn.messages, turn.replies, strict=True):
            key = (turn.conversation_id, message_in.client_id or "")
            if message_in.client_id and (key in stored or key in claimed):
                continue  # a retry: answered below with the turn stored the first time
            if message_in.client_id:
                claimed.add(key)
            message = new_message(conversation_id=turn.conversation_id, message_in=message_in)
            session.add(message)
            _asked(session, message)
            answer = None
            if reply_in is not None:
                faq_id = reply_in.faq_id if reply_in.faq_id in live else None
                answer = new_message(
                    conversation_id=turn.conversation_id,
                    message_in=reply_in.model_copy(update={"faq_id": faq_id}),
                )
                # Added right after its question, so each answer's id follows its question's.
                session.add(answer)
                _answered(session, message, answer)
            fresh.append((index, message, answer))
    session.flush()  # one round of INSERTs, in the order added
    for _, message, answer in fresh:
        if answer is not None:
            answer.reply_to_id = message.id
    session.flush()  # the answers' links to their questions
    _alert(session, conversations, turns, fresh, urgent)
    for index, _, answer in fresh:  # a conversation on WhatsApp gets its answers there
        if answer is not None:
            conversation = conversations[turns[index].conversation_id]
            whatsapp.forward(session=session, conversation=conversation, message=answer)
    return _collect(turns, fresh, stored, result)


def _alert(
    session: Session,
    conversations: dict[int, Conversation],
    turns: Sequence[TurnIn],
    fresh: list[tuple[int, Message, Message | None]],
    urgent: set[int],
) -> None:
    """The team's alerts, in this transaction: a hand-over to a person, and a conversation that
    just became urgent because a visitor's message read upset (a hand-over also makes it
    urgent, and its own alert says so)."""
    settings = get_settings()
    handed: set[int] = set()
    for index, message, answer in fresh:
        conversation = conversations[turns[index].conversation_id]
        if answer is not None and answer.kind == ReplyKind.HANDOVER:
            handed.add(index)
            alerts.handed_over(
                session=session, settings=settings, conversation=conversation, question=message
            )
    for index in sorted(urgent - handed):
        upset = [m for i, m, _ in fresh if i == index and m.urgency == "high"]
        if upset:
            alerts.became_urgent(
                session=session,
                settings=settings,
                conversation=conversations[turns[index].conversation_id],
                message=upset[0],
            )


def _collect(
    turns: Sequence[TurnIn],
    fresh: list[tuple[int, Message, Message | None]],
    stored: dict[tuple[int, str], StoredTurn],
    result: StoredTurns,
) -> StoredTurns:
    """Each turn's stored messages in the order of its messages, and what each conversation
    gained, in id order."""
    new_turns: dict[int, list[StoredTurn]] = {}
    for index, message, answer in fresh:
        turn = StoredTurn(
            MessagePublic.of(message), None if answer is None else MessagePublic.of(answer)
        )
        new_turns.setdefault(index, []).append(turn)
        if message.client_id:
            stored[(message.conversation_id, message.client_id)] = turn
        added = result.added.setdefault(message.conversation_id, [])
        added.extend([turn.message] if turn.reply is None else [turn.message, turn.reply])
    for messages in result.added.values():
        messages.sort(key=lambda m: m.id)
    for index, turn_in in enumerate(turns):
        plain = iter(t for t in new_turns.get(index, []) if not t.message.client_id)
        result.turns.append(
            [
                stored[(turn_in.conversation_id, m.client_id)] if m.client_id else next(plain)
                for m in turn_in.messages
            ]
        )
    return result
