"""Conversations and their messages."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from chat_server.context import client_ip, context, owned_conversation, visitor_of
from chat_server.errors import ApiError, read_json
from chat_server.schemas import (
    BatchIn,
    BatchOut,
    ConversationIn,
    ConversationOut,
    ConversationPatchIn,
    ConversationPatchOut,
    HistoryOut,
    MessageIn,
    TurnOut,
)
from chat_server.visitor_tokens import bearer_token
from core.crud import business as business_crud
from core.crud import conversations as conv_crud
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import EventName, LanguageSource, MessagePublic
from core.nlp.language import initial_language


def _start(
    engine: Engine, visitor_public_id: str | None, body: ConversationIn
) -> tuple[str, str, str]:
    with session_scope(engine) as session:
        visitor = None
        if visitor_public_id is not None:
            visitor = conv_crud.get_visitor_by_public_id(
                session=session, public_id=visitor_public_id
            )
        business = business_crud.get_business(session=session)
        language, source = initial_language(
            manual=body.language, browser=body.browser_language, default=business.default_language
        )
        if visitor is None:
            visitor = conv_crud.create_visitor(session=session, language=language)
        if body.visitor_key is not None and visitor.visitor_key is None:
            visitor.visitor_key = body.visitor_key  # what they did before chatting joins up
            session.add(visitor)
        conversation = conv_crud.create_conversation(
            session=session,
            visitor=visitor,
            language=language,
            language_source=source,
            page_url=body.page_url,
        )
        event_crud.record_event(
            session=session,
            name=EventName.CONVERSATION_STARTED,
            conversation_id=conversation.id,
            channel=conversation.channel,
            language=language,
        )
        return visitor.public_id, conversation.public_id, business.greeting


async def start_conversation(request: Request) -> JSONResponse:
    """
    summary: Start a conversation
    description: Returns the conversation id and a signed visitor token. Send the token of an
      earlier conversation as a Bearer token to keep the same visitor.
    requestBody:
      required: false
      content: {application/json: {schema: {$ref: '#/components/schemas/ConversationIn'}}}
    responses:
      201: {description: Started, content: {application/json: {schema: {$ref: '#/components/schemas/ConversationOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      415: {$ref: '#/components/responses/NotJson'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    body = await read_json(
        request, ConversationIn, max_bytes=chat.settings.MAX_BODY_BYTES, allow_empty=True
    )
    await chat.limiter.check("conversations", client_ip(request))
    visitor, since = None, None
    token = bearer_token(request)
    if token is not None:
        with contextlib.suppress(ApiError):  # an expired or foreign token: a new visitor
            visitor, since = chat.tokens.identity(token)
    visitor_id, cid, greeting = await run_in_threadpool(_start, chat.engine, visitor, body)
    if visitor_id != visitor:
        since = None  # a new visitor (the old one may have been erased): a new identity
    out = ConversationOut(
        conversation_id=cid,
        visitor_token=chat.tokens.issue(visitor_id, since),
        greeting=greeting,
    )
    return JSONResponse(out.model_dump(), status_code=201)


def _history(engine: Engine, cid: str, visitor: str) -> HistoryOut:
    with session_scope(engine) as session:
        conversation = owned_conversation(session, cid, visitor)
        rows = msg_crud.list_messages(
            session=session, conversation=conversation, limit=msg_crud.HISTORY_LIMIT
        )
        assert conversation.id is not None
        ratings = event_crud.ratings_of(session=session, conversation_id=conversation.id)
        return HistoryOut(
            conversation_id=conversation.public_id,
            status=conversation.status,
            language=conversation.language or "en",
            language_source=conversation.language_source,
            messages=[
                MessagePublic.of(m).model_copy(update={"rating": ratings.get(m.id or 0)})
                for m in rows
            ],
        )


async def history(request: Request) -> JSONResponse:
    """
    summary: Messages of a conversation, oldest first
    security: [{visitorToken: []}]
    parameters: [{$ref: '#/components/parameters/cid'}]
    responses:
      200: {description: History, content: {application/json: {schema: {$ref: '#/components/schemas/HistoryOut'}}}}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    await chat.reads.check("reads", client_ip(request))
    out = await run_in_threadpool(_history, chat.engine, request.path_params["cid"], visitor)
    return JSONResponse(out.model_dump(mode="json"))


def _choose_language(
    engine: Engine, cid: str, visitor: str, body: ConversationPatchIn
) -> ConversationPatchOut:
    with session_scope(engine) as session:
        conversation = owned_conversation(session, cid, visitor)
        previous = conversation.language
        # A choice wins over detection: later messages in another language do not switch it.
        conversation.language = body.language
        conversation.language_source = LanguageSource.MANUAL
        session.add(conversation)
        event_crud.record_event(
            session=session,
            name=EventName.LANGUAGE_CHOSEN,
            conversation_id=conversation.id,
            language=body.language,
            previous=previous,
        )
        return ConversationPatchOut(
            conversation_id=conversation.public_id,
            language=body.language,
            language_source=LanguageSource.MANUAL,
        )


async def patch_conversation(request: Request) -> JSONResponse:
    """
    summary: Record the visitor's own choice of language for this conversation
    description: Sets the conversation's language with source "manual", which language detection
      never overrides. Supported codes are en, ur, es, fr, de and ar.
    security: [{visitorToken: []}]
    parameters: [{$ref: '#/components/parameters/cid'}]
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/ConversationPatchIn'}}}
    responses:
      200: {description: Saved, content: {application/json: {schema: {$ref: '#/components/schemas/ConversationPatchOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      415: {$ref: '#/components/responses/NotJson'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    await chat.reads.check("reads", client_ip(request))
    body = await read_json(request, ConversationPatchIn, max_bytes=chat.settings.MAX_BODY_BYTES)
    out = await run_in_threadpool(
        _choose_language, chat.engine, request.path_params["cid"], visitor, body
    )
    return JSONResponse(out.model_dump())


def _with_languages(turns: Sequence[TurnOut]) -> list[TurnOut]:
    """Each turn with the language detected in its visitor message (what the widget follows),
    as the analysis stored it on the message: no second detection."""
    return [turn.model_copy(update={"language": turn.message.language}) for turn in turns]


async def post_message(request: Request) -> JSONResponse:
    """
    summary: Send a visitor message; the bot's reply is stored and streamed
    description: The reply is also streamed token by token on the event stream. Re-sending a
      client_id already stored returns the stored turn instead of a new one.
    security: [{visitorToken: []}]
    parameters: [{$ref: '#/components/parameters/cid'}]
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/MessageIn'}}}
    responses:
      201: {description: Stored, content: {application/json: {schema: {$ref: '#/components/schemas/TurnOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      415: {$ref: '#/components/responses/NotJson'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      413: {$ref: '#/components/responses/TooLarge'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    body = await read_json(request, MessageIn, max_bytes=chat.settings.MAX_BODY_BYTES)
    await chat.limiter.check("messages", client_ip(request))
    turns = await chat.turns.take(visitor, request.path_params["cid"], [body])
    [turn] = _with_languages(turns)
    return JSONResponse(turn.model_dump(mode="json"), status_code=201)


async def post_batch(request: Request) -> JSONResponse:
    """
    summary: Send several queued messages in one request, processed in order
    security: [{visitorToken: []}]
    parameters: [{$ref: '#/components/parameters/cid'}]
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/BatchIn'}}}
    responses:
      201: {description: Stored, content: {application/json: {schema: {$ref: '#/components/schemas/BatchOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      415: {$ref: '#/components/responses/NotJson'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      413: {$ref: '#/components/responses/TooLarge'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    body = await read_json(request, BatchIn, max_bytes=chat.settings.MAX_BODY_BYTES)
    if len(body.messages) > chat.settings.MAX_BATCH_MESSAGES:
        raise ApiError(413, f"A batch holds at most {chat.settings.MAX_BATCH_MESSAGES} messages")
    await chat.limiter.check("messages", client_ip(request), cost=len(body.messages))
    turns = await chat.turns.take(visitor, request.path_params["cid"], body.messages)
    turns = _with_languages(turns)
    return JSONResponse(BatchOut(results=turns).model_dump(mode="json"), status_code=201)
