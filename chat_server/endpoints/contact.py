"""The contact form: a visitor leaves details for a human to follow up."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from chat_server.context import (
    client_ip,
    context,
    origin_allowed,
    owned_conversation,
    visitor_of,
)
from chat_server.errors import ApiError, read_json
from chat_server.schemas import ContactIn, ContactOut
from core.crud import contacts as contact_crud
from core.crud import events as event_crud
from core.db import session_scope
from core.integrations import alerts, crm
from core.models import ContactRequestCreate, EventName
from core.settings import Settings


def _save(engine: Engine, settings: Settings, body: ContactIn, visitor: str | None) -> int:
    with session_scope(engine) as session:
        conversation = None
        if body.conversation_id is not None and visitor is not None:
            conversation = owned_conversation(session, body.conversation_id, visitor)
        conversation_id = None if conversation is None else conversation.id
        request = contact_crud.create_contact_request(
            session=session,
            contact_in=ContactRequestCreate(
                name=body.name, email=body.email, phone=body.phone, message=body.message
            ),
            conversation_id=conversation_id,
        )
        event_crud.record_event(
            session=session, name=EventName.CONTACT_REQUESTED, conversation_id=conversation_id
        )
        alerts.contact_requested(
            session=session, settings=settings, request=request, conversation=conversation
        )
        crm.contact_requested(
            session=session, settings=settings, request=request, conversation=conversation
        )
        assert request.id is not None
        return request.id


async def submit_contact(request: Request) -> JSONResponse:
    """
    summary: Leave contact details and a message for the team
    description: With a conversation_id, send that conversation's visitor token so the request is
      linked to the conversation.
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/ContactIn'}}}
    responses:
      201: {description: Received, content: {application/json: {schema: {$ref: '#/components/schemas/ContactOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      415: {$ref: '#/components/responses/NotJson'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    if not origin_allowed(request, chat.settings.CORS_ORIGINS):
        raise ApiError(403, "This site is not allowed to send the contact form (CORS_ORIGINS)")
    body = await read_json(request, ContactIn, max_bytes=chat.settings.MAX_BODY_BYTES)
    visitor = visitor_of(request) if body.conversation_id is not None else None
    await chat.limiter.check("forms", client_ip(request))
    rid = await run_in_threadpool(_save, chat.engine, chat.settings, body, visitor)
    return JSONResponse(ContactOut(id=rid, status="received").model_dump(), status_code=201)
