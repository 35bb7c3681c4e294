"""A visitor's message and the bot's reply.

Two batched stages serve concurrent visitors: the knowledge base encodes every waiting message in
one encoder pass, then the writer stores every waiting turn in one transaction (one writer thread,
so SQLite never sees competing writers)."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from chat_server.batcher import MicroBatcher
from chat_server.errors import ApiError
from chat_server.knowledge import KnowledgeBase
from chat_server.schemas import MessageIn, TurnOut
from chat_server.streams import Hub, Publication
from core.crud import conversations as conv_crud
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import (
    Conversation,
    ConversationStatus,
    FaqEntry,
    Message,
    MessagePublic,
    Role,
    Visitor,
)
from core.models._types import utcnow
from core.nlp.analysis import Analysis
from core.nlp.filters import PROFANITY
from core.replies import Reply, with_notices

OWNER_CACHE_SIZE = 50_000


def owned_conversation(session: Session, public_id: str, visitor_public_id: str) -> Conversation:
    conversation = conv_crud.get_conversation(session=session, public_id=public_id)
    if conversation is None:
        raise ApiError(404, "Conversation not found")
    visitor = conv_crud.get_visitor_by_public_id(session=session, public_id=visitor_public_id)
    if visitor is None or visitor.id != conversation.visitor_id:
        raise ApiError(403, "This conversation belongs to another visitor")
    return conversation


class Owners:
    """Which visitor owns which conversation: it never changes, so it is cached."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: OrderedDict[str, tuple[int, str]] = OrderedDict()

    def _load(self, cid: str) -> tuple[int, str] | None:
        with Session(self.engine) as session:
            row = session.exec(
                select(Conversation.id, Visitor.public_id)
                .join(Visitor, col(Visitor.id) == Conversation.visitor_id)
                .where(Conversation.public_id == cid)
            ).first()
        return None if row is None or row[0] is None else (row[0], row[1])

    def cached(self, cid: str) -> int | None:
        """The conversation's row id if this process has seen it."""
        owner = self._cache.get(cid)
        return None if owner is None else owner[0]

    async def conversation_id(self, cid: str, visitor: str) -> int:
        owner = self._cache.get(cid)
        if owner is not None:
            self._cache.move_to_end(cid)
        else:
            owner = await run_in_threadpool(self._load, cid)
            if owner is None:
                raise ApiError(404, "Conversation not found")
            self._cache[cid] = owner
            if len(self._cache) > OWNER_CACHE_SIZE:
                self._cache.popitem(last=False)
        if owner[1] != visitor:
            raise ApiError(403, "This conversation belongs to another visitor")
        return owner[0]


def reply_context(engine: Engine, conversation_id: int) -> tuple[str | None, str, str]:
    """The kind of the bot's last answer ("clarify" makes the next unclear message a fallback to
    a person) and the conversation's language with where it came from. Read on every turn: an
    agent, the widget's language menu or another process may have changed either."""
    with Session(engine) as session:
        kind = session.exec(
            select(Message.kind)
            .where(Message.conversation_id == conversation_id, Message.role == Role.BOT)
            .order_by(col(Message.id).desc())
            .limit(1)
        ).first()
        row = session.exec(
            select(Conversation.language, Conversation.language_source).where(
                Conversation.id == conversation_id
            )
        ).one()
    return kind, row[0] or "en", row[1]


class ReplyContexts:
    """`reply_context` per conversation, read from the database once and then kept up to date
    by the turns themselves and by the visitor's language choice (only the chat server changes
    either: an agent's reply or a handback touches neither)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: OrderedDict[int, tuple[str | None, str, str]] = OrderedDict()

    async def get(self, conversation_id: int) -> tuple[str | None, str, str]:
        found = self._cache.get(conversation_id)
        if found is None:
            found = await run_in_threadpool(reply_context, self.engine, conversation_id)
            self.put(conversation_id, found)
        else:
            self._cache.move_to_end(conversation_id)
        return found

    def put(self, conversation_id: int, value: tuple[str | None, str, str]) -> None:
        self._cache[conversation_id] = value
        self._cache.move_to_end(conversation_id)
        if len(self._cache) > OWNER_CACHE_SIZE:
            self._cache.popitem(last=False)

    def forget(self, conversation_id: int) -> None:
        self._cache.pop(conversation_id, None)


def reply_language(analysis: Analysis, language: str, source: str) -> str:
    """The precedence of the issue: the visitor's own choice, then the language of this message
    (detected from 10 characters on), then what the conversation had (browser or default)."""
    if source == "manual":
        return language
    return analysis.language or language


@dataclass
class TurnGroup:
    """The messages of one request, with the bot's replies (None where the bot stays quiet)."""

    conversation_id: int
    items: Sequence[MessageIn]  # text already through the content filter
    replies: Sequence[Reply | None]
    started: float
    analyses: Sequence[Analysis] = ()  # per item: filter flags, language, intent, entities
    turns: list[TurnOut] = field(default_factory=list)
    publication: Publication | None = None  # what the conversation's open streams get


def _stored_turns(session: Session, groups: Sequence[TurnGroup]) -> dict[tuple[int, str], TurnOut]:
    """Turns already stored under a client_id: a retry gets them back instead of a copy."""
    wanted = {(g.conversation_id, i.client_id) for g in groups for i in g.items if i.client_id}
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
            reply = msg_crud.reply_to(session=session, message=row)
            out[key] = TurnOut(
                message=MessagePublic.of(row),
                reply=None if reply is None else MessagePublic.of(reply),
            )
    return out


def _reading(analysis: Analysis | None) -> dict[str, Any]:
    """What the analysis stores on a visitor's message: plain labels for the inbox and
    analytics (entities as type/text/value)."""
    if analysis is None:
        return {"flags": [], "language": None}
    intent = analysis.intent
    return {
        "flags": list(analysis.flags),
        "language": analysis.language,
        "intent": None if intent is None else intent.label,
        "intent_confidence": None if intent is None else round(intent.confidence, 4),
        "entities": [{"type": e.type, "text": e.text, "value": e.value} for e in analysis.entities],
    }


def _answer(group: TurnGroup, reply: Reply, live: set[int | None], now: datetime) -> Message:
    """The bot's answer as a row; an FAQ deleted since the index was built loses its link."""
    latency = (time.perf_counter() - group.started) * 1000
    faq_id = reply.faq_id if reply.faq_id in live else None
    return Message(
        conversation_id=group.conversation_id,
        role=Role.BOT,
        text=reply.text,
        created_at=now,
        latency_ms=latency,
        faq_id=faq_id,
        confidence=reply.confidence,
        quick_replies=list(reply.quick_replies),
        actions=list(reply.actions),
        flags=[],
        rich=list(reply.rich),
        kind=reply.kind,
        language=reply.language,
    )


def store_groups(engine: Engine, groups: Sequence[TurnGroup]) -> list[TurnGroup]:
    """Store every waiting turn in one transaction; a retried client_id gets its stored turn."""
    with session_scope(engine) as session:
        ids = {g.conversation_id for g in groups}
        conversations = {
            c.id: c
            for c in session.exec(select(Conversation).where(col(Conversation.id).in_(ids))).all()
        }
        stored = _stored_turns(session, groups)
        last_ids: dict[int, int] = dict(
            session.exec(  # type: ignore[arg-type]
                select(Message.conversation_id, func.max(Message.id))
                .where(col(Message.conversation_id).in_(ids))
                .group_by(col(Message.conversation_id))
            ).all()
        )
        faq_ids = {r.faq_id for g in groups for r in g.replies if r is not None and r.faq_id}
        # An FAQ deleted since the index was built must not make the visitor's message fail.
        live = set(session.exec(select(FaqEntry.id).where(col(FaqEntry.id).in_(faq_ids))).all())
        now = utcnow()
        fresh: list[tuple[TurnGroup, Message, Message | None]] = []
        claimed: set[tuple[int, str]] = set()
        for group in groups:
            conversation = conversations.get(group.conversation_id)
            if conversation is None:
                raise ApiError(404, "Conversation not found")
            if conversation.status == ConversationStatus.CLOSED:
                conversation.status = ConversationStatus.BOT  # writing again reopens it
            conversation.last_message_at = now
            quiet = conversation.status == ConversationStatus.HUMAN  # an agent has taken over
            analyses: Sequence[Analysis | None] = group.analyses or [None] * len(group.items)
            detected = [a.language for a in analyses if a is not None and a.language]
            if detected and conversation.language_source != "manual":
                conversation.language, conversation.language_source = detected[-1], "detected"
            for item, reply, analysis in zip(group.items, group.replies, analyses, strict=True):
                key = (group.conversation_id, item.client_id or "")
                if item.client_id and (key in stored or key in claimed):
                    continue  # a retry: answered below with the turn stored the first time
                if item.client_id:
                    claimed.add(key)
                message = Message(
                    conversation_id=group.conversation_id,
                    role=Role.VISITOR,
                    text=item.text,
                    client_id=item.client_id,
                    created_at=now,
                    quick_replies=[],
                    actions=[],
                    emotion=None if reply is None else reply.emotion,
                    polarity=None if reply is None else reply.polarity,
                    urgency=None if reply is None else reply.urgency,
                    **_reading(analysis),
                )
                if reply is not None and (reply.urgency == "high" or reply.needs_human):
                    conversation.urgency = "high"  # stays until an agent closes it
                session.add(message)
                answer = None
                if reply is not None and not quiet:
                    # Added right after its question, so each answer's id follows its question's.
                    answer = _answer(group, reply, live, now)
                    session.add(answer)
                    event_crud.record_event(
                        session=session,
                        name="bot_answered" if reply.faq_id is not None else "bot_clarified",
                        conversation_id=group.conversation_id,
                        faq_id=answer.faq_id,
                        confidence=reply.confidence,
                        latency_ms=round(answer.latency_ms or 0.0, 2),
                    )
                fresh.append((group, message, answer))
        session.flush()  # one round of INSERTs, in the order added
        for _, message, answer in fresh:
            if answer is not None:
                answer.reply_to_id = message.id
        session.flush()  # the answers' links to their questions

        turns_by_message: dict[int, TurnOut] = {}
        new_by_conversation: dict[int, list[MessagePublic]] = {}
        for group, message, answer in fresh:
            assert message.id is not None
            turn = TurnOut(
                message=MessagePublic.of(message),
                reply=None if answer is None else MessagePublic.of(answer),
            )
            turns_by_message[message.id] = turn
            if message.client_id:
                stored[(group.conversation_id, message.client_id)] = turn
            new_by_conversation.setdefault(group.conversation_id, []).append(turn.message)
            if turn.reply is not None:
                new_by_conversation[group.conversation_id].append(turn.reply)
        publications = {
            cid: Publication(last_ids.get(cid, 0), tuple(sorted(new, key=lambda m: m.id)))
            for cid, new in new_by_conversation.items()
        }
        # Each group's turns in the order of its items: by client_id where there is one.
        for group in groups:
            group.publication = publications.get(group.conversation_id)
            plain = iter([m for g, m, _ in fresh if g is group and not m.client_id])
            for item in group.items:
                if item.client_id:
                    group.turns.append(stored[(group.conversation_id, item.client_id)])
                else:
                    message_id = next(plain).id
                    assert message_id is not None
                    group.turns.append(turns_by_message[message_id])
    return list(groups)


class Turns:
    """Takes visitor messages through the two batched stages and hands them to open streams."""

    def __init__(
        self, *, engine: Engine, knowledge: KnowledgeBase, hub: Hub, max_chars: int
    ) -> None:
        self.knowledge = knowledge
        self.hub = hub
        self.max_chars = max_chars
        self.owners = Owners(engine)
        self.contexts = ReplyContexts(engine)
        self.writer: MicroBatcher[TurnGroup, TurnGroup] = MicroBatcher(
            lambda groups: store_groups(engine, groups), max_size=256
        )

    def chose_language(self, cid: str) -> None:
        """The visitor picked a language (PATCH): the next reply reads it from the database."""
        owner = self.owners.cached(cid)
        if owner is not None:
            self.contexts.forget(owner)

    async def take(self, visitor: str, cid: str, items: Sequence[MessageIn]) -> list[TurnOut]:
        started = time.perf_counter()
        for item in items:
            if len(item.text) > self.max_chars:
                raise ApiError(413, f"Message is longer than {self.max_chars} characters")
        conversation_id = await self.owners.conversation_id(cid, visitor)
        # Secrets are masked and profanity censored before anything is stored or embedded.
        analyses = await asyncio.gather(*(self.knowledge.analyze(i.text) for i in items))
        clean = [
            item.model_copy(update={"text": a.text})
            for item, a in zip(items, analyses, strict=True)
        ]
        previous, language, source = await self.contexts.get(conversation_id)
        replies = []
        for analysis in analyses:
            visitor_language = reply_language(analysis, language, source)
            reply = self.knowledge.compose(
                analysis, previous_kind=previous, language=visitor_language
            )
            replies.append(
                with_notices(
                    reply,
                    sensitive=analysis.sensitive,
                    profane=PROFANITY in analysis.flags,
                    language=visitor_language,
                )
            )
            previous = reply.kind
        group = await self.writer.submit(
            TurnGroup(conversation_id, clean, replies, started, analyses=analyses)
        )
        detected = [a.language for a in analyses if a.language]
        if detected and source != "manual":  # as store_groups wrote it
            language, source = detected[-1], "detected"
        self.contexts.put(conversation_id, (previous, language, source))
        if group.publication is not None:
            # Groups of one conversation share a publication; streams skip what they have sent.
            self.hub.publish(conversation_id, group.publication)
        return group.turns
