"""Visitors' ratings of the bot's answers (and of the whole conversation)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from chat_server.context import client_ip, context, owned_conversation, visitor_of
from chat_server.errors import ApiError, read_json
from chat_server.schemas import FeedbackIn, FeedbackOut
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import EventName


def _feedback(engine: Engine, cid: str, visitor: str, body: FeedbackIn) -> tuple[int, bool]:
    with session_scope(engine) as session:
        conversation = owned_conversation(session, cid, visitor)
        rated = None
        if body.message_id is not None:
            rated = msg_crud.get_message(
                session=session, conversation=conversation, message_id=body.message_id
            )
            if rated is None:
                raise ApiError(404, "Message not found in this conversation")
        assert conversation.id is not None
        event_crud.record_event(
            session=session,
            name=EventName.FEEDBACK_GIVEN,
            conversation_id=conversation.id,
            faq_id=None if rated is None else rated.faq_id,
            rating=body.rating,
            message_id=body.message_id,
            commented=bool(body.comment),
        )
        if body.message_id is not None:
            rating, created = event_crud.rate_message(
                session=session,
                conversation_id=conversation.id,
                message_id=body.message_id,
                rating=body.rating,
                comment=body.comment,
            )
            assert rating.id is not None
            return rating.id, created
        feedback = event_crud.create_feedback(
            session=session,
            conversation_id=conversation.id,
            rating=body.rating,
            message_id=body.message_id,
            comment=body.comment,
        )
        assert feedback.id is not None
        return feedback.id, True


async def post_feedback(request: Request) -> JSONResponse:
    """
    summary: Rate the conversation or one bot answer (+1 helpful, -1 not)
    description: One rating per message is kept. Rating a message again replaces its rating
      (200); a comment sent with the same rating is added to it, and a new rating without one
      drops the old comment. The history shows each message's rating.
    security: [{visitorToken: []}]
    parameters: [{$ref: '#/components/parameters/cid'}]
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/FeedbackIn'}}}
    responses:
      200: {description: Replaced the message's earlier rating, content: {application/json: {schema: {$ref: '#/components/schemas/FeedbackOut'}}}}
      201: {description: Stored, content: {application/json: {schema: {$ref: '#/components/schemas/FeedbackOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      401: {$ref: '#/components/responses/Unauthorized'}
      404: {$ref: '#/components/responses/NotFound'}
      415: {$ref: '#/components/responses/NotJson'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    body = await read_json(request, FeedbackIn, max_bytes=chat.settings.MAX_BODY_BYTES)
    await chat.limiter.check("forms", client_ip(request))
    fid, created = await run_in_threadpool(
        _feedback, chat.engine, request.path_params["cid"], visitor, body
    )
    return JSONResponse(FeedbackOut(id=fid).model_dump(), status_code=201 if created else 200)
