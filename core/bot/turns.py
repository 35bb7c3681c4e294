"""A turn from analysed messages to stored replies, in the caller's transaction: how every
channel (the chat server, WhatsApp, SMS, the jobs runner) hands visitor messages to the bot."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from core.bot.bot import Bot, Decision, Turn, TurnContext
from core.crud import turns as turn_crud
from core.models import ConversationStatus, MessageCreate, ReplyKind, Role
from core.nlp.analysis import Analysis


@dataclass(frozen=True)
class Incoming:
    """A visitor's messages in one conversation, analysed (the analysis holds the filtered text
    that is stored)."""

    conversation_id: int
    analyses: Sequence[Analysis]
    client_ids: Sequence[str | None]
    previous_kind: ReplyKind | None  # of the bot's last reply in the conversation
    started: float  # time.perf_counter() when the messages arrived: answers store their latency


def take_turns(
    *, session: Session, bot: Bot, incoming: Sequence[Incoming]
) -> tuple[turn_crud.StoredTurns, list[Turn]]:
    """Decide and store every incoming group in one transaction. The bot reads the
    conversation's status and language inside it, so an agent's takeover is never raced."""
    conversations = turn_crud.conversations_by_id(
        session=session, ids={i.conversation_id for i in incoming}
    )
    decided, records = [], []
    for group in incoming:
        conversation = conversations.get(group.conversation_id)
        if conversation is None:
            raise LookupError(f"conversation {group.conversation_id} does not exist")
        context = TurnContext(
            previous_kind=group.previous_kind,
            language=conversation.language or "en",
            language_source=conversation.language_source,
            taken_over=conversation.status == ConversationStatus.HUMAN,
        )
        turn = bot.respond(group.analyses, context)
        decided.append(turn)
        records.append(_record(group, turn))
    stored = turn_crud.store_turns(session=session, conversations=conversations, turns=records)
    return stored, decided


def _record(group: Incoming, turn: Turn) -> turn_crud.TurnIn:
    latency = (time.perf_counter() - group.started) * 1000
    messages = [
        _visitor_message(analysis, client_id, decision)
        for analysis, client_id, decision in zip(
            group.analyses, group.client_ids, turn.decisions, strict=True
        )
    ]
    replies = [_answer(d, latency) if d.speaks else None for d in turn.decisions]
    return turn_crud.TurnIn(
        conversation_id=group.conversation_id,
        messages=messages,
        replies=replies,
        urgent=any(d.urgent for d in turn.decisions),
        language=(turn.after.language, turn.after.language_source),
    )


def _visitor_message(
    analysis: Analysis, client_id: str | None, decision: Decision
) -> MessageCreate:
    """The visitor's message with how it read: plain labels for the inbox and analytics."""
    intent = analysis.intent
    return MessageCreate(
        role=Role.VISITOR,
        text=analysis.text,
        client_id=client_id,
        flags=list(analysis.flags),
        language=analysis.language,
        intent=None if intent is None else intent.label,
        intent_confidence=None if intent is None else round(intent.confidence, 4),
        entities=[{"type": e.type, "text": e.text, "value": e.value} for e in analysis.entities],
        emotion=decision.reply.emotion,
        polarity=decision.reply.polarity,
        urgency=decision.reply.urgency,
    )


def _answer(decision: Decision, latency_ms: float) -> MessageCreate:
    reply = decision.reply
    return MessageCreate(
        role=Role.BOT,
        text=reply.text,
        latency_ms=latency_ms,
        faq_id=reply.faq_id,
        confidence=reply.confidence,
        quick_replies=list(reply.quick_replies),
        actions=list(reply.actions),
        rich=list(reply.rich),
        kind=reply.kind,
        language=reply.language,
        note=reply.note,
        note_language=reply.note_language,
    )
