"""Slack's Events API: agents' replies in the threads of alerts, on their way to the visitor
(core/integrations/slack_replies.py). Every request must carry Slack's signature of its body
with SLACK_SIGNING_SECRET, made within the last 5 minutes."""

from __future__ import annotations

from slack_sdk.errors import SlackClientError
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from chat_server.context import context
from chat_server.errors import ApiError, parse_json, read_body
from chat_server.schemas import SlackEventIn, SlackEventOut
from core.integrations import config, slack_replies


def signed_by_slack(request: Request, body: bytes, secret: str) -> bool:
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return SignatureVerifier(secret).is_valid(body, timestamp, signature)


async def receive(request: Request) -> JSONResponse:
    """
    summary: Slack's Events API (agents answering from an alert's thread)
    description: Signed by Slack (X-Slack-Signature over X-Slack-Request-Timestamp and the body,
      with SLACK_SIGNING_SECRET; at most 5 minutes old). A url_verification request gets its
      challenge back; a reply in the thread of an alert about a conversation is stored as the
      agent's reply to the visitor (taking the conversation over from the bot first). Anything
      else is acknowledged and ignored. 404 while SLACK_SIGNING_SECRET is not set.
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/SlackEventIn'}}}
    responses:
      200: {description: Received, content: {application/json: {schema: {$ref: '#/components/schemas/SlackEventOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {description: Not signed by Slack, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      404: {description: Slack events are not set up, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
      413: {$ref: '#/components/responses/TooLarge'}
      415: {$ref: '#/components/responses/NotJson'}
      422: {$ref: '#/components/responses/Invalid'}
      502: {description: Slack could not say which conversation the thread is about; Slack sends the event again, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
    """
    chat = context(request)
    settings = await run_in_threadpool(config.current, engine=chat.engine, settings=chat.settings)
    secret = settings.SLACK_SIGNING_SECRET
    if not secret:
        raise ApiError(404, "Slack events are not set up (SLACK_SIGNING_SECRET)")
    body = await read_body(request, max_bytes=chat.settings.MAX_BODY_BYTES)
    if not signed_by_slack(request, body, secret):
        raise ApiError(403, "Not signed by Slack")
    received = parse_json(body, SlackEventIn)
    if received.type == "url_verification":
        return JSONResponse(SlackEventOut(challenge=received.challenge).model_dump())
    reply = (
        slack_replies.thread_reply(received.event or {})
        if received.type == "event_callback"
        else None
    )
    if reply is not None:
        try:
            await run_in_threadpool(
                slack_replies.deliver, engine=chat.engine, settings=settings, reply=reply
            )
        except (SlackClientError, OSError) as error:
            raise ApiError(502, f"Slack did not answer: {error}") from None
    return JSONResponse(SlackEventOut().model_dump(exclude_none=True))
