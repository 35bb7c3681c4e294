"""Server-Sent Events: wake-ups for open streams and the framing of message events."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass

from core.models import MessagePublic, Role

_CHUNKS = re.compile(r"\s*\S+")


class Hub:
    """Wakes the open streams of a conversation when this process stores a message in it.

    A stream always reads what to send from the database, in id order from its own cursor, so
    a wake-up carries no data and nothing can arrive out of order or twice."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[asyncio.Event]] = {}
        self.open_streams = 0  # streams being served now; a closed client must bring it down

    def subscribe(self, conversation_id: int) -> asyncio.Event:
        wake = asyncio.Event()
        self._subscribers.setdefault(conversation_id, set()).add(wake)
        return wake

    def unsubscribe(self, conversation_id: int, wake: asyncio.Event) -> None:
        subscribers = self._subscribers.get(conversation_id)
        if subscribers is not None:
            subscribers.discard(wake)
            if not subscribers:
                del self._subscribers[conversation_id]

    def streams_of(self, conversation_id: int) -> int:
        return len(self._subscribers.get(conversation_id, ()))

    def notify(self, conversation_id: int) -> None:
        for wake in self._subscribers.get(conversation_id, ()):
            wake.set()


@dataclass(frozen=True)
class ResumePoint:
    message_id: int
    token_index: int | None = None  # set when the client stopped inside a bot answer


def parse_event_id(value: str | None) -> ResumePoint | None:
    if not value:
        return None
    head, _, tail = value.strip().partition(".")
    if not head.isdigit() or (tail and not tail.isdigit()):
        return None
    return ResumePoint(int(head), int(tail) if tail else None)


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
    written together: one socket write per message, each token still its own resumable event."""
    out = []
    if message.role == Role.BOT:
        mid = message.id
        for index, text in enumerate(chunks(message.text)):
            if index >= from_token:
                # Written by hand: this runs for every token of every answer.
                chunk = json.dumps(text, ensure_ascii=False)
                out.append(
                    f"event: token\nid: {mid}.{index}\n"
                    f'data: {{"message_id":{mid},"index":{index},"text":{chunk}}}\n\n'
                )
    out.append(frame("message", str(message.id), message.model_dump(mode="json")))
    return out
