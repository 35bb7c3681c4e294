"""Server-Sent Events: handing new messages to open streams, and the framing of events."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass

from core.models import MessagePublic, Role

_CHUNKS = re.compile(r"\s*\S+")


@dataclass(frozen=True)
class Publication:
    """Messages this process just stored in one conversation, with the id of the message that
    came before them there: a stream whose cursor is exactly that id can send them as they are."""

    after_id: int
    messages: tuple[MessagePublic, ...]

    @property
    def last_id(self) -> int:
        return self.messages[-1].id


@dataclass(frozen=True)
class Stored:
    """Messages were stored in the conversation, up to `last_id`, by any process (announced by
    `core.live`): a stream behind that id reads them from the database."""

    last_id: int


Item = Publication | Stored


class Hub:
    """Hands what this process stores, and what other processes announce, to the open streams
    of its conversation.

    A stream sends in id order from its own cursor: a publication that starts exactly at the
    cursor is sent directly; anything else (another process's messages, a gap) makes the stream
    read from the database. So nothing arrives out of order or twice.

    `live` is true while this process's subscriber (`chat_server.fanout`) hears every
    announcement; otherwise streams poll the database."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[asyncio.Queue[Item]]] = {}
        self.open_streams = 0  # streams being served now; a closed client must bring it down
        self.live = False

    def subscribe(self, conversation_id: int) -> asyncio.Queue[Item]:
        queue: asyncio.Queue[Item] = asyncio.Queue()
        self._subscribers.setdefault(conversation_id, set()).add(queue)
        return queue

    def unsubscribe(self, conversation_id: int, queue: asyncio.Queue[Item]) -> None:
        subscribers = self._subscribers.get(conversation_id)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[conversation_id]

    def conversations(self) -> list[int]:
        """Conversations with a stream open here."""
        return list(self._subscribers)

    def publish(self, conversation_id: int, item: Item) -> None:
        for queue in self._subscribers.get(conversation_id, ()):
            queue.put_nowait(item)

    def set_live(self, live: bool) -> None:
        """Switch between hearing announcements and polling; every stream reads the database
        once, for what was stored while nobody listened."""
        self.live = live
        for queues in self._subscribers.values():
            for queue in queues:
                queue.put_nowait(Stored(last_id=2**63 - 1))


@dataclass(frozen=True)
class ResumePoint:
    message_id: int
    token_index: int | None = None  # set when the client stopped inside a bot answer


def _number(text: str) -> int | None:
    """An event id's part: ASCII digits only ("١٢٣" is digits to Python), and small enough to
    be a message id."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value <= 2**63 - 1 else None


def parse_event_id(value: str | None) -> ResumePoint | None:
    """Where to resume; None (from the start, as without one) for an id this server cannot have
    sent."""
    if not value:
        return None
    head, _, tail = value.strip().partition(".")
    message, token = _number(head), _number(tail) if tail else None
    if message is None or (tail and token is None):
        return None
    return ResumePoint(message, token)


def chunks(text: str) -> list[str]:
    """Answer tokens as streamed; joined in order they give the text back."""
    parts = _CHUNKS.findall(text)
    return parts or [text]


def frame(event: str, event_id: str, data: object) -> str:
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"event: {event}\nid: {event_id}\ndata: {payload}\n\n"


def message_frames(message: MessagePublic, from_token: int = 0) -> list[str]:
    """A bot answer token by token then whole; any other message whole.

    The answer is complete when stored (retrieved, not generated), so its token events are
    written together: one socket write per message, each token still its own resumable event.
    A note in another language (`note`) is not streamed: it comes with the whole message."""
    out = []
    if message.role == Role.BOT:
        mid = message.id
        for index, text in enumerate(chunks(message.answer_text)):
            if index >= from_token:
                # Written by hand: this runs for every token of every answer.
                chunk = json.dumps(text, ensure_ascii=False)
                out.append(
                    f"event: token\nid: {mid}.{index}\n"
                    f'data: {{"message_id":{mid},"index":{index},"text":{chunk}}}\n\n'
                )
    out.append(frame("message", str(message.id), message.model_dump(mode="json")))
    return out
