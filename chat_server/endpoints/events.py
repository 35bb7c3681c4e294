"""The live event stream of one conversation (Server-Sent Events)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse

from chat_server.context import ChatContext, context, visitor_of
from chat_server.streams import ResumePoint, message_frames, parse_event_id
from chat_server.turns import owned_conversation
from core.crud import messages as msg_crud
from core.models import Conversation, MessagePublic

PING_SECONDS = 15.0
RETRY_MS = 2000
REMEMBERED_IDS = 512


def _open(
    engine: Engine, cid: str, visitor: str, resume: ResumePoint | None
) -> tuple[Conversation, int]:
    with Session(engine, expire_on_commit=False) as session:
        conversation = owned_conversation(session, cid, visitor)
        start = (
            resume.message_id
            if resume
            else msg_crud.last_message_id(session=session, conversation=conversation)
        )
        return conversation, start


def _since(engine: Engine, conversation: Conversation, after_id: int) -> list[MessagePublic]:
    with Session(engine) as session:
        rows = msg_crud.list_messages(session=session, conversation=conversation, after_id=after_id)
        return [MessagePublic.of(m) for m in rows]


def _one(engine: Engine, conversation: Conversation, message_id: int) -> MessagePublic | None:
    with Session(engine) as session:
        row = msg_crud.get_message(
            session=session, conversation=conversation, message_id=message_id
        )
        return None if row is None else MessagePublic.of(row)


class _Delivery:
    """What one stream has sent: messages come from this process directly and from the
    database by polling (messages another process stored, such as an agent's reply)."""

    def __init__(self, after_id: int) -> None:
        self.floor = after_id  # the client has everything up to here
        self.db_cursor = after_id  # advanced only by database reads
        self._sent: deque[int] = deque(maxlen=REMEMBERED_IDS)

    def fresh(self, messages: list[MessagePublic]) -> list[MessagePublic]:
        out = [m for m in messages if m.id > self.floor and m.id not in self._sent]
        self._sent.extend(m.id for m in out)
        return out


async def _frames(
    chat: ChatContext, conversation: Conversation, last_id: int, resume: ResumePoint | None
) -> AsyncIterator[str]:
    assert conversation.id is not None
    queue = chat.hub.subscribe(conversation.id)  # before reading, so nothing slips between
    chat.hub.open_streams += 1
    try:
        yield f"retry: {RETRY_MS}\n\n"
        if resume is not None and resume.token_index is not None:
            # The client stopped inside a bot answer: finish that answer first.
            partial = await run_in_threadpool(_one, chat.engine, conversation, resume.message_id)
            if partial is not None:
                yield "".join(message_frames(partial, from_token=resume.token_index + 1))
        delivery = _Delivery(last_id)
        polled = await run_in_threadpool(_since, chat.engine, conversation, last_id)
        last_ping = time.monotonic()
        while True:
            if polled:
                delivery.db_cursor = max(delivery.db_cursor, polled[-1].id)
            batch = delivery.fresh(polled)
            if batch:
                yield "".join(f for m in batch for f in message_frames(m))
            try:
                published = await asyncio.wait_for(queue.get(), chat.settings.STREAM_POLL_SECONDS)
                batch = delivery.fresh(published)
                if batch:
                    yield "".join(f for m in batch for f in message_frames(m))
                polled = []
            except TimeoutError:
                polled = await run_in_threadpool(
                    _since, chat.engine, conversation, delivery.db_cursor
                )
                if not polled and time.monotonic() - last_ping >= PING_SECONDS:
                    last_ping = time.monotonic()
                    yield ": ping\n\n"
    finally:
        chat.hub.open_streams -= 1
        chat.hub.unsubscribe(conversation.id, queue)


async def stream(request: Request) -> StreamingResponse:
    """
    summary: Live events of a conversation (text/event-stream)
    description: >-
      Event "token" carries one chunk of a bot answer (id "<message id>.<index>");
      event "message" carries a whole message (id "<message id>"). Reconnect with
      Last-Event-ID (or ?after=) to resume without loss or duplication.
    security: [{visitorToken: []}, {visitorTokenQuery: []}]
    parameters:
      - {$ref: '#/components/parameters/cid'}
      - {name: after, in: query, required: false, schema: {type: string}, description: event id to resume after}
      - {name: Last-Event-ID, in: header, required: false, schema: {type: string}}
    responses:
      200: {description: Event stream, content: {text/event-stream: {schema: {type: string}}}}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    chat = context(request)
    visitor = visitor_of(request, allow_query=True)
    resume = parse_event_id(
        request.headers.get("last-event-id") or request.query_params.get("after")
    )
    conversation, last_id = await run_in_threadpool(
        _open, chat.engine, request.path_params["cid"], visitor, resume
    )
    return StreamingResponse(
        _frames(chat, conversation, last_id, resume),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
