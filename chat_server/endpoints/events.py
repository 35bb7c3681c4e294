"""The live event stream of one conversation (Server-Sent Events)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.engine import Engine
from sqlmodel import Session
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from chat_server.context import ChatContext, client_ip, context, owned_conversation, visitor_of
from chat_server.stream_caps import Cap, StreamCaps
from chat_server.streams import Publication, ResumePoint, message_frames, parse_event_id
from core.crud import messages as msg_crud
from core.models import Conversation, MessagePublic

PING_SECONDS = 15.0
SEND_TIMEOUT_SECONDS = 30.0
RETRY_MS = 2000
PAGE = 200  # messages read at a time
MAX_STREAMS = 5  # open streams per conversation (tabs of one visitor), in all processes


def _open(
    engine: Engine, cid: str, visitor: str, resume: ResumePoint | None
) -> tuple[Conversation, int, ResumePoint | None]:
    """The conversation, the message id to stream after, and where to resume. Without an id,
    or with one past the conversation's last message (which this server never sent: from an
    old database, or made up), the stream starts with the next new message."""
    with Session(engine, expire_on_commit=False) as session:
        conversation = owned_conversation(session, cid, visitor)
        last = msg_crud.last_message_id(session=session, conversation=conversation)
        if resume is None or resume.message_id > last:
            return conversation, last, None
        return conversation, resume.message_id, resume


def _since(engine: Engine, conversation: Conversation, after_id: int) -> list[MessagePublic]:
    with Session(engine) as session:
        rows = msg_crud.list_messages(
            session=session, conversation=conversation, after_id=after_id, limit=PAGE
        )
        return [MessagePublic.of(m) for m in rows]


def _one(engine: Engine, conversation: Conversation, message_id: int) -> MessagePublic | None:
    with Session(engine) as session:
        row = msg_crud.get_message(
            session=session, conversation=conversation, message_id=message_id
        )
        return None if row is None else MessagePublic.of(row)


async def _frames(
    chat: ChatContext, conversation: Conversation, cursor: int, resume: ResumePoint | None
) -> AsyncIterator[bytes]:
    """Everything after `cursor` in id order, then each new message as it is stored: nothing
    is skipped or sent twice, whoever stored it."""
    assert conversation.id is not None
    queue = chat.hub.subscribe(conversation.id)  # before reading, so nothing slips between
    chat.hub.open_streams += 1
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        if resume is not None and resume.token_index is not None:
            # The client stopped inside a bot answer: finish that answer first.
            partial = await run_in_threadpool(_one, chat.engine, conversation, resume.message_id)
            if partial is not None:
                yield "".join(message_frames(partial, from_token=resume.token_index + 1)).encode()
        read_database = True
        while True:
            while read_database:
                rows = await run_in_threadpool(_since, chat.engine, conversation, cursor)
                if rows:
                    yield "".join(f for m in rows for f in message_frames(m)).encode()
                    cursor = rows[-1].id
                read_database = len(rows) == PAGE
            # Messages stored by another process (an agent in the admin) are announced to
            # this process's subscriber (chat_server.fanout), which wakes the stream; without
            # one (SQLite without Redis) they arrive by polling.
            wait = None if chat.hub.live else chat.settings.STREAM_POLL_SECONDS
            try:
                item = await asyncio.wait_for(queue.get(), wait)
            except TimeoutError:
                read_database = True
                continue
            if isinstance(item, Publication) and item.after_id == cursor:
                yield "".join(f for m in item.messages for f in message_frames(m)).encode()
                cursor = item.last_id
            elif item.last_id > cursor:
                read_database = True  # something came between: take it all from the database
    finally:
        chat.hub.open_streams -= 1
        chat.hub.unsubscribe(conversation.id, queue)


class _EventStream(EventSourceResponse):
    """Ends the HTTP response properly when sse-starlette cuts a stream at server shutdown
    (otherwise uvicorn logs the response as left incomplete), and gives back the stream's place
    under its caps however it ends (even if the client left before the first event)."""

    def __init__(self, frames: AsyncIterator[bytes], caps: StreamCaps, stream_id: str) -> None:
        # sse-starlette adds keep-alive pings, drops clients that stop reading, and ends open
        # streams when uvicorn shuts down (a stream never ends by itself).
        super().__init__(
            frames,
            ping=PING_SECONDS,
            send_timeout=SEND_TIMEOUT_SECONDS,
            headers={"Cache-Control": "no-cache"},
        )
        self.caps = caps
        self.stream_id = stream_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._serve(scope, receive, send)
        finally:
            await self.caps.close(self.stream_id)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        finished = False

        async def tracked(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        await super().__call__(scope, receive, tracked)
        if not finished:
            with contextlib.suppress(OSError, RuntimeError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})


async def stream(request: Request) -> EventSourceResponse:
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
      200: {description: Event stream, content: {text/event-stream: {schema: {type: object, required: [data], properties: {event: {type: string}, id: {type: string}, data: {type: string}, retry: {type: integer}}}}}}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request, allow_query=True)
    await chat.reads.check("reads", client_ip(request))
    resume = parse_event_id(
        request.headers.get("last-event-id") or request.query_params.get("after")
    )
    conversation, last_id, resume = await run_in_threadpool(
        _open, chat.engine, request.path_params["cid"], visitor, resume
    )
    address = client_ip(request)
    caps = [
        Cap(
            f"conversation:{conversation.public_id}",
            MAX_STREAMS,
            f"Too many open streams for this conversation (at most {MAX_STREAMS})",
        ),
        Cap(
            f"ip:{address}",
            chat.settings.MAX_STREAMS_PER_IP,
            f"Too many open streams from this address (at most {chat.settings.MAX_STREAMS_PER_IP})",
        ),
    ]
    stream_id = await chat.stream_caps.open(caps)
    return _EventStream(_frames(chat, conversation, last_id, resume), chat.stream_caps, stream_id)
