"""Server-Sent Events: wake-ups for open streams and the framing of message events."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass

from core.models import MessagePublic, Role

_CHUNKS = re.compile(r"\s*\S+")


class Hub:
    """Wakes the streams of a conversation when this process stores a message in it."""

    def __init__(self) -> None:
        self._events: dict[int, asyncio.Event] = {}
        self.open_streams = 0  # streams being served now; a closed client must bring it down

    def waiter(self, conversation_id: int) -> asyncio.Event:
        return self._events.setdefault(conversation_id, asyncio.Event())

    def notify(self, conversation_id: int) -> None:
        event = self._events.pop(conversation_id, None)
        if event is not None:
            event.set()


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
    """A bot answer token by token then whole; any other message whole."""
    out = []
    if message.role == Role.BOT:
        for index, text in enumerate(chunks(message.text)):
            if index >= from_token:
                out.append(
                    frame(
                        "token",
                        f"{message.id}.{index}",
                        {"message_id": message.id, "index": index, "text": text},
                    )
                )
    out.append(frame("message", str(message.id), message.model_dump(mode="json")))
    return out
