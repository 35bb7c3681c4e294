"""Per-conversation facts a turn needs, kept in memory so a visitor's message costs no extra
query: who owns the conversation (never changes) and the kind of the bot's last reply (changed
only by the turns themselves, which update it)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from chat_server.errors import ApiError
from core.crud import turns as turn_crud
from core.models import Conversation, ReplyKind, Visitor

CACHE_SIZE = 50_000
K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    def __init__(self) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > CACHE_SIZE:
            self._items.popitem(last=False)


class Owners:
    """Which visitor owns which conversation."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: _Lru[str, tuple[int, str]] = _Lru()

    def _load(self, cid: str) -> tuple[int, str] | None:
        with Session(self.engine) as session:
            row = session.exec(
                select(Conversation.id, Visitor.public_id)
                .join(Visitor, col(Visitor.id) == Conversation.visitor_id)
                .where(Conversation.public_id == cid)
            ).first()
        return None if row is None or row[0] is None else (row[0], row[1])

    async def conversation_id(self, cid: str, visitor: str) -> int:
        """The conversation's row id; 404 if there is none, 403 if another visitor owns it."""
        owner = self._cache.get(cid)
        if owner is None:
            owner = await run_in_threadpool(self._load, cid)
            if owner is None:
                raise ApiError(404, "Conversation not found")
            self._cache.put(cid, owner)
        if owner[1] != visitor:
            raise ApiError(403, "This conversation belongs to another visitor")
        return owner[0]


class LastKinds:
    """The kind of the bot's last reply per conversation ("clarify" makes the next unclear
    message a fallback to a person): read once, then kept by the turns."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: _Lru[int, tuple[ReplyKind | None]] = _Lru()

    def _load(self, conversation_id: int) -> ReplyKind | None:
        with Session(self.engine) as session:
            return turn_crud.last_bot_kind(session=session, conversation_id=conversation_id)

    async def get(self, conversation_id: int) -> ReplyKind | None:
        found = self._cache.get(conversation_id)
        if found is None:
            found = (await run_in_threadpool(self._load, conversation_id),)
            self._cache.put(conversation_id, found)
        return found[0]

    def put(self, conversation_id: int, kind: ReplyKind | None) -> None:
        self._cache.put(conversation_id, (kind,))
