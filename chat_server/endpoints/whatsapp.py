"""WhatsApp (core/integrations/whatsapp.py): a visitor moves their chat there from the widget,
and Twilio posts what they write on WhatsApp to the inbound webhook, which the same bot answers
(its answer goes back through the outbox, written in the turn's transaction)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from twilio.request_validator import RequestValidator

from chat_server.context import client_ip, context, owned_conversation, visitor_of
from chat_server.errors import ApiError, read_body, read_json
from chat_server.schemas import MessageIn, WhatsAppIn, WhatsAppOut
from core.crud import conversations as conv_crud
from core.db import session_scope
from core.integrations import config, whatsapp
from core.models import Visitor
from core.models.conversations import Channel
from core.settings import Settings

INBOUND_PATH = "/api/whatsapp/inbound"
FORM = ("application/x-www-form-urlencoded",)
# Twilio expects TwiML back; an empty Response sends nothing more (the answer goes by the outbox).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _start(engine: Engine, settings: Settings, cid: str, visitor: str, number: str) -> str:
    with session_scope(engine) as session:
        conversation = owned_conversation(session, cid, visitor)
        return whatsapp.continue_on_whatsapp(
            session=session, settings=settings, conversation=conversation, number=number
        )


async def continue_on_whatsapp(request: Request) -> JSONResponse:
    """
    summary: Continue this conversation on WhatsApp
    description: The visitor gives their number in international form and agrees (consent true).
      The conversation moves to WhatsApp; a first message goes to the number with what they
      asked, and from then on the answers go there. 503 while WhatsApp is not set up.
    security: [{visitorToken: []}]
    parameters: [{$ref: '#/components/parameters/cid'}]
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/WhatsAppIn'}}}
    responses:
      200: {description: The first WhatsApp message is on its way, content: {application/json: {schema: {$ref: '#/components/schemas/WhatsAppOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      413: {$ref: '#/components/responses/TooLarge'}
      415: {$ref: '#/components/responses/NotJson'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
      503: {description: WhatsApp is not set up, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
    """
    chat = context(request)
    visitor = visitor_of(request)
    body = await read_json(request, WhatsAppIn, max_bytes=chat.settings.MAX_BODY_BYTES)
    settings = await run_in_threadpool(config.current, engine=chat.engine, settings=chat.settings)
    if not settings.whatsapp_configured:
        raise ApiError(503, "WhatsApp is not set up on this site")
    await chat.limiter.check("forms", client_ip(request))
    to = await run_in_threadpool(
        _start, chat.engine, settings, request.path_params["cid"], visitor, body.number
    )
    return JSONResponse(WhatsAppOut(status="sent", number=to).model_dump())


def _conversation_of(engine: Engine, settings: Settings, number: str) -> tuple[str, str]:
    """(visitor, conversation) public ids of the WhatsApp conversation from `number`; someone
    writing to the business's WhatsApp first gets a new one."""
    with session_scope(engine) as session:
        found = whatsapp.find_conversation(session=session, settings=settings, number=number)
        if found is None:
            visitor = conv_crud.create_visitor(session=session)
            found = conv_crud.create_conversation(session=session, visitor=visitor)
            found.channel = Channel.WHATSAPP
            found.whatsapp_to = number
            found.whatsapp_key = whatsapp.number_key(settings, number)
            session.add(found)
            session.flush()
        owner = session.get(Visitor, found.visitor_id)
        assert owner is not None
        return owner.public_id, found.public_id


async def inbound(request: Request) -> Response:
    """
    summary: Twilio's webhook for incoming WhatsApp messages
    description: Form-encoded as Twilio posts it (From whatsapp:+E.164, Body, MessageSid),
      signed with TWILIO_AUTH_TOKEN over CHAT_PUBLIC_URL/api/whatsapp/inbound (X-Twilio-Signature);
      anything unsigned or wrongly signed is refused. The message continues the conversation
      moved there from that number (or starts one), answered by the bot over WhatsApp. 404 while
      WhatsApp is not set up.
    requestBody:
      required: true
      content:
        application/x-www-form-urlencoded:
          schema:
            type: object
            required: [From, MessageSid]
            properties:
              From: {type: string, pattern: '^whatsapp:\\+[1-9][0-9]{7,14}$'}
              Body: {type: string}
              MessageSid: {type: string, pattern: '^[A-Z]{2}[0-9a-f]{32}$'}
    responses:
      200: {description: Received (empty TwiML), content: {text/xml: {schema: {type: string}}}}
      403: {description: Not signed by Twilio, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      404: {description: WhatsApp is not set up, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      413: {$ref: '#/components/responses/TooLarge'}
      415: {description: Not form-encoded, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      422: {$ref: '#/components/responses/Invalid'}
    """
    chat = context(request)
    settings = await run_in_threadpool(config.current, engine=chat.engine, settings=chat.settings)
    if not settings.whatsapp_configured:
        raise ApiError(404, "WhatsApp is not set up on this site")
    raw = await read_body(request, max_bytes=settings.MAX_BODY_BYTES, content_types=FORM)
    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise ApiError(403, "Not signed by Twilio") from None
    signature = request.headers.get("X-Twilio-Signature", "")
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN or "")
    if not signature or not validator.validate(
        f"{settings.CHAT_PUBLIC_URL}{INBOUND_PATH}", form, signature
    ):
        raise ApiError(403, "Not signed by Twilio")
    sender, sid = form.get("From", ""), form.get("MessageSid", "")
    try:
        number = whatsapp.international(sender.removeprefix("whatsapp:"))
    except ValueError:
        raise ApiError(422, "Invalid From: not a WhatsApp number") from None
    if not sid or len(sid) > 64:
        raise ApiError(422, "Invalid MessageSid")
    # PostgreSQL's text cannot hold NUL; WhatsApp would not send one anyway.
    text = form.get("Body", "").replace("\x00", "").strip()[: settings.MAX_MESSAGE_CHARS]
    if text:  # a photo or a voice note alone has no text to answer
        visitor, cid = await run_in_threadpool(_conversation_of, chat.engine, settings, number)
        await chat.turns.take(visitor, cid, [MessageIn(text=text, client_id=sid)])
    return Response(EMPTY_TWIML, media_type="text/xml")
