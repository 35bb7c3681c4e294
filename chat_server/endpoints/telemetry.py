"""POST /api/events: clicks in the widget and the business page's own steps, in batches the
browser sends with navigator.sendBeacon when the page hides (or a batch fills).

(The conversation's live event stream is chat_server/endpoints/events.py.)"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from chat_server.context import client_ip, context, origin_allowed, owned_conversation
from chat_server.errors import ApiError, read_json
from chat_server.telemetry_schemas import TelemetryIn, TelemetryOut
from chat_server.visitor_tokens import bearer_token
from core.crud import business as business_crud
from core.crud import telemetry as telemetry_crud
from core.db import session_scope
from core.models._types import utcnow
from core.models.business import Telemetry

# An item older than this when its batch left is stored as this old: a tab left open for days
# must not date a click before the page was opened, nor a clock gone wrong by years.
MAX_AGE = timedelta(days=1)
# sendBeacon from the business's site sends text/plain (application/json would need a CORS
# preflight a beacon cannot make); both carry the same JSON.
CONTENT_TYPES = ("application/json", "text/plain")


def _age(sent_at: float | None, at: float | None) -> timedelta:
    if sent_at is None or at is None:
        return timedelta(0)
    # Compared as numbers first: a difference of 1e308 ms is no timedelta (OverflowError).
    milliseconds = min(MAX_AGE / timedelta(milliseconds=1), max(0.0, sent_at - at))
    return timedelta(milliseconds=milliseconds)


def _store(engine: Engine, body: TelemetryIn, visitor: str | None) -> TelemetryOut:
    with session_scope(engine) as session:
        if business_crud.get_business(session=session).telemetry == Telemetry.OFF:
            raise ApiError(403, "The business has switched telemetry off: nothing was stored")
        conversation_id = None
        if body.conversation_id is not None and visitor is not None:
            try:
                conversation_id = owned_conversation(session, body.conversation_id, visitor).id
            except ApiError:
                conversation_id = None  # another visitor's, or gone: the events stand alone
        now = utcnow()
        # In the order they happened, so ids follow the visitor's own sequence.
        for click in sorted(body.clicks, key=lambda c: c.at if c.at is not None else 0.0):
            telemetry_crud.record_click(
                session=session,
                visitor_key=body.visitor_key,
                conversation_id=conversation_id,
                element=click.element,
                panel=click.panel,
                width_class=click.width_class,
                x=click.x,
                y=click.y,
                panel_x=click.panel_x,
                panel_y=click.panel_y,
                rage=click.rage,
                dead=click.dead,
                at=now - _age(body.sent_at, click.at),
            )
        for step in body.tracked:
            telemetry_crud.record_tracked(
                session=session,
                visitor_key=body.visitor_key,
                conversation_id=conversation_id,
                name=step.name,
                value=step.value,
                currency=step.currency,
                properties=step.properties,
                at=now - _age(body.sent_at, step.at),
            )
        return TelemetryOut(
            clicks=len(body.clicks),
            tracked=len(body.tracked),
            conversation_attached=conversation_id is not None,
        )


async def post_events(request: Request) -> JSONResponse:
    """
    summary: Record clicks in the widget and the business page's own steps (a batch, all or nothing)
    description: The widget and loader.js send these with navigator.sendBeacon, as JSON in a
      text/plain body (application/json is accepted too). At most 100 clicks and tracked steps
      together; one invalid item refuses the whole batch (422 names it) and nothing is stored.
      conversation_id is attached only when the request carries that conversation's visitor token
      (Authorization header, or ?token= since a beacon cannot set headers); otherwise, or for a
      conversation of another visitor, it is dropped and the events are stored without it.
      Property keys that look like personal data or free text (email, phone, name, message,
      text, ...) are refused. Nothing about the request itself (IP address, user agent) is stored.
      403 when the business has switched telemetry off, or when the page's origin is not allowed.
    parameters:
      - {name: token, in: query, required: false, schema: {type: string}, description: the visitor token of conversation_id}
    requestBody:
      required: true
      content:
        application/json: {schema: {$ref: '#/components/schemas/TelemetryIn'}}
        text/plain: {schema: {$ref: '#/components/schemas/TelemetryIn'}}
    responses:
      201: {description: Stored, content: {application/json: {schema: {$ref: '#/components/schemas/TelemetryOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {description: Telemetry is off, or the page's origin is not in CORS_ORIGINS, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      413: {$ref: '#/components/responses/TooLarge'}
      415: {description: Neither JSON nor text/plain, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    if not origin_allowed(request, chat.settings.CORS_ORIGINS):
        raise ApiError(403, "This site is not allowed to send events (CORS_ORIGINS)")
    await chat.limiter.check("telemetry", client_ip(request))
    body = await read_json(
        request, TelemetryIn, max_bytes=chat.settings.MAX_BODY_BYTES, content_types=CONTENT_TYPES
    )
    token = bearer_token(request, allow_query=True)
    visitor = None
    if body.conversation_id is not None and token is not None:
        try:
            visitor = chat.tokens.read(token)
        except ApiError:
            visitor = None  # an expired token: the events still count, unlinked
    out = await run_in_threadpool(_store, chat.engine, body, visitor)
    return JSONResponse(out.model_dump(), status_code=201)
