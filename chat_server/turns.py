"""A visitor's message and the bot's reply: checks, storage in one transaction, the answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from chat_server.context import ChatContext
from chat_server.errors import ApiError
from chat_server.schemas import MessageIn, TurnOut
from core.crud import conversations as conv_crud
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import (
    Conversation,
    ConversationStatus,
    FaqEntry,
    Message,
    MessageCreate,
    MessagePublic,
    Role,
)
from core.replies import Reply


def owned_conversation(session: Session, public_id: str, visitor_public_id: str) -> Conversation:
    conversation = conv_crud.get_conversation(session=session, public_id=public_id)
    if conversation is None:
        raise ApiError(404, "Conversation not found")
    visitor = conv_crud.get_visitor_by_public_id(session=session, public_id=visitor_public_id)
    if visitor is None or visitor.id != conversation.visitor_id:
        raise ApiError(403, "This conversation belongs to another visitor")
    return conversation


@dataclass(frozen=True)
class _Prepared:
    conversation: Conversation
    stored: dict[str, TurnOut]  # turns already stored under a client_id (retries)


def _prepare(engine: Engine, cid: str, visitor: str, client_ids: list[str]) -> _Prepared:
    with Session(engine, expire_on_commit=False) as session:
        conversation = owned_conversation(session, cid, visitor)
        stored: dict[str, TurnOut] = {}
        if client_ids:
            rows = session.exec(
                select(Message).where(
                    Message.conversation_id == conversation.id,
                    col(Message.client_id).in_(client_ids),
                )
            ).all()
            for row in rows:
                assert row.client_id is not None
                reply = msg_crud.reply_to(session=session, message=row)
                stored[row.client_id] = TurnOut(
                    message=MessagePublic.of(row),
                    reply=None if reply is None else MessagePublic.of(reply),
                )
        return _Prepared(conversation, stored)


def _store(
    engine: Engine,
    conversation_id: int,
    items: Sequence[MessageIn],
    replies: Sequence[Reply | None],
    latencies_ms: Sequence[float],
) -> list[TurnOut]:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        if conversation.status == ConversationStatus.CLOSED:
            conversation.status = ConversationStatus.BOT  # a visitor writing again reopens it
        faq_ids = {r.faq_id for r in replies if r is not None and r.faq_id is not None}
        # An FAQ deleted since the index was built must not make the visitor's message fail.
        live = set(session.exec(select(FaqEntry.id).where(col(FaqEntry.id).in_(faq_ids))).all())
        out = []
        for item, reply, latency in zip(items, replies, latencies_ms, strict=True):
            message = msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(
                    role=Role.VISITOR, text=item.text, client_id=item.client_id
                ),
            )
            bot = None
            if reply is not None:
                faq_id = reply.faq_id if reply.faq_id in live else None
                bot = msg_crud.create_message(
                    session=session,
                    conversation=conversation,
                    message_in=MessageCreate(
                        role=Role.BOT,
                        text=reply.text,
                        latency_ms=latency,
                        faq_id=faq_id,
                        confidence=reply.confidence,
                        quick_replies=list(reply.quick_replies),
                        actions=list(reply.actions),
                    ),
                )
                event_crud.record_event(
                    session=session,
                    name="bot_answered" if faq_id is not None else "bot_clarified",
                    conversation_id=conversation_id,
                    faq_id=faq_id,
                    confidence=reply.confidence,
                    latency_ms=round(latency, 2),
                )
            out.append(
                TurnOut(
                    message=MessagePublic.of(message),
                    reply=None if bot is None else MessagePublic.of(bot),
                )
            )
        return out


async def take_turns(
    chat: ChatContext, visitor: str, cid: str, items: Sequence[MessageIn]
) -> list[TurnOut]:
    """Store the visitor's messages in order, with the bot's replies when the bot is in charge."""
    started = time.perf_counter()
    for item in items:
        if len(item.text) > chat.settings.MAX_MESSAGE_CHARS:
            raise ApiError(
                413, f"Message is longer than {chat.settings.MAX_MESSAGE_CHARS} characters"
            )
    client_ids = [i.client_id for i in items if i.client_id]
    prepared = await run_in_threadpool(_prepare, chat.engine, cid, visitor, client_ids)
    conversation = prepared.conversation
    assert conversation.id is not None

    fresh: list[MessageIn] = []
    seen: set[str] = set(prepared.stored)
    for item in items:
        if item.client_id is None or item.client_id not in seen:
            fresh.append(item)
            if item.client_id:
                seen.add(item.client_id)

    replies: list[Reply | None]
    latencies: list[float] = []
    if conversation.status == ConversationStatus.HUMAN:
        replies = [None] * len(fresh)
        latencies = [0.0] * len(fresh)
    else:
        replies = list(await asyncio.gather(*(chat.knowledge.reply(i.text) for i in fresh)))
        latencies = [(time.perf_counter() - started) * 1000] * len(fresh)
    stored = await run_in_threadpool(
        _store, chat.engine, conversation.id, fresh, replies, latencies
    )
    chat.hub.notify(conversation.id)

    by_client = dict(prepared.stored)
    by_client.update({t.message.client_id: t for t in stored if t.message.client_id})
    fresh_turns = iter(stored)
    return [by_client[i.client_id] if i.client_id else next(fresh_turns) for i in items]
