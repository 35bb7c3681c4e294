"""A visitor's messages through the chat server: two batched stages, then the open streams.

Concurrent visitors share one encoder pass (the analysis batcher), then one transaction (one
writer thread, so SQLite never sees competing writers) in which the bot decides and the turn is
stored (core.bot.turns)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from chat_server.batcher import MicroBatcher
from chat_server.caches import LastKinds, Owners
from chat_server.errors import ApiError
from chat_server.schemas import MessageIn, TurnOut
from chat_server.streams import Hub, Publication
from core.bot.bot import Bot
from core.bot.turns import Incoming, take_turns
from core.db import session_scope
from core.models import ReplyKind
from core.nlp.analysis import Analysis


@dataclass
class Pending:
    """One request's messages on their way to the writer, and what the writer hands back."""

    incoming: Incoming
    turns: list[TurnOut] = field(default_factory=list)
    publication: Publication | None = None  # what the conversation's open streams get
    last_kind: ReplyKind | None = None  # of the bot's last reply after the turn


def write(engine: Engine, bot: Bot, pending: Sequence[Pending]) -> Sequence[Pending]:
    """The writer's batch: every waiting request decided and stored in one transaction."""
    with session_scope(engine) as session:
        try:
            stored, decided = take_turns(
                session=session, bot=bot, incoming=[p.incoming for p in pending]
            )
        except LookupError:
            raise ApiError(404, "Conversation not found") from None
    publications = {
        cid: Publication(stored.before.get(cid, 0), tuple(added))
        for cid, added in stored.added.items()
    }
    for item, turns, turn in zip(pending, stored.turns, decided, strict=True):
        item.turns = [TurnOut(message=t.message, reply=t.reply) for t in turns]
        item.publication = publications.get(item.incoming.conversation_id)
        item.last_kind = turn.after.previous_kind
    return pending


class Turns:
    def __init__(
        self,
        *,
        engine: Engine,
        bot: Bot,
        analyzer: MicroBatcher[str, Analysis],
        hub: Hub,
        max_chars: int,
    ) -> None:
        self.analyzer = analyzer
        self.hub = hub
        self.max_chars = max_chars
        self.owners = Owners(engine)
        self.last_kinds = LastKinds(engine)
        self.writer: MicroBatcher[Pending, Pending] = MicroBatcher(
            lambda pending: write(engine, bot, pending), max_size=256
        )

    async def take(self, visitor: str, cid: str, items: Sequence[MessageIn]) -> list[TurnOut]:
        started = time.perf_counter()
        for item in items:
            if len(item.text) > self.max_chars:
                raise ApiError(413, f"Message is longer than {self.max_chars} characters")
        conversation_id = await self.owners.conversation_id(cid, visitor)
        # Secrets are masked and profanity censored before anything is stored or embedded.
        analyses = await asyncio.gather(*(self.analyzer.submit(i.text.strip()) for i in items))
        incoming = Incoming(
            conversation_id=conversation_id,
            analyses=analyses,
            client_ids=[i.client_id for i in items],
            previous_kind=await self.last_kinds.get(conversation_id),
            started=started,
        )
        done = await self.writer.submit(Pending(incoming))
        self.last_kinds.put(conversation_id, done.last_kind)
        if done.publication is not None:
            # Requests of one conversation share a publication; streams skip what they sent.
            self.hub.publish(conversation_id, done.publication)
        return done.turns
