"""Slack: alerts as Block Kit messages, posted to SLACK_CHANNEL with the bot token
(`chat.postMessage` through slack-sdk's WebClient).

An alert is rendered when it is written to the outbox (its payload is the message as sent);
the channel and the token are read when it is delivered, so fixing either delivers what waited.
The idempotency key travels in the message's metadata (`event_payload.idempotency_key`). When a
runner died while posting an alert, the next one first looks for that key in the channel's
recent history (`conversations.history`, which needs the channels:history scope and a channel
id), so Slack shows the alert once; without that scope it posts again, and the key is what
tells the two apart."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.settings import Settings

log = logging.getLogger(__name__)

EVENT_TYPE = "customeragent_alert"  # the metadata's event_type on every alert
# Block Kit's limits: a header's text, a section's text, a field's text.
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FALLBACK_CHARS = 300  # of the quoted text in the notification line
HISTORY_PAGE = 200  # messages per conversations.history page
HISTORY_PAGES = 5  # pages searched for an alert that may have been posted already
# Answers that say the bot may not read the channel (no channels:history or groups:history
# scope, a channel name where an id is needed, not a member): it cannot look, so it posts.
CANNOT_LOOK = {"missing_scope", "channel_not_found", "not_in_channel", "not_allowed_token_type"}


class SlackNotConfigured(RuntimeError):
    """SLACK_BOT_TOKEN or SLACK_CHANNEL is missing: the alert waits until they are set."""


@dataclass(frozen=True)
class Alert:
    title: str  # the header, plain text
    summary: str  # the notification's one line, plain text
    fields: Sequence[tuple[str, str]]  # (label, value) pairs shown two by two, plain text
    quote: str | None  # what the visitor wrote, plain text
    link: str  # the conversation (or list) in the admin
    link_label: str


def escape(text: str) -> str:
    """Plain text for a mrkdwn field: Slack reads &, < and > as markup (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(alert: Alert) -> dict[str, Any]:
    """The chat.postMessage body of an alert: `text` (the notification and the fallback) and
    Block Kit `blocks` (a header, the fields, the quote, a button to the admin)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(alert.title, HEADER_CHARS)}}
    ]
    if alert.fields:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": _cut(f"*{escape(label)}*\n{escape(value)}", FIELD_CHARS),
                    }
                    for label, value in alert.fields[:10]  # Block Kit allows ten
                ],
            }
        )
    if alert.quote:
        quoted = "\n".join(f"> {line}" for line in escape(alert.quote).splitlines())
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(quoted, SECTION_CHARS)}}
        )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": alert.link_label},
                    "url": alert.link,
                    "style": "primary",
                }
            ],
        }
    )
    return {"text": _cut(alert.summary, FALLBACK_CHARS), "blocks": blocks}


def client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL,
        timeout=settings.SLACK_TIMEOUT_SECONDS,
    )


def post(*, settings: Settings, payload: dict[str, Any], key: str) -> str:
    """Post one rendered alert; returns the message's ts. Raises SlackNotConfigured, or
    slack-sdk's SlackApiError (the response is not ok: an outage, a revoked token, an unknown
    channel) or SlackRequestError/OSError (Slack unreachable)."""
    if not settings.slack_configured:
        raise SlackNotConfigured("set SLACK_BOT_TOKEN and SLACK_CHANNEL to deliver Slack alerts")
    response = client(settings).chat_postMessage(
        channel=settings.SLACK_CHANNEL or "",
        text=payload["text"],
        blocks=payload.get("blocks"),
        metadata={
            "event_type": EVENT_TYPE,
            "event_payload": {"idempotency_key": key}
            | ({"conversation": payload["conversation"]} if payload.get("conversation") else {}),
        },
        unfurl_links=False,
    )
    return str(response.get("ts", ""))


def already_posted(*, settings: Settings, key: str, since: datetime) -> bool | None:
    """Whether SLACK_CHANNEL holds a message posted since `since` with the idempotency key
    `key`; None when the bot may not read the channel. Raises SlackApiError (or a network
    error) when Slack cannot answer now: the alert is tried again later."""
    if not settings.slack_configured:
        raise SlackNotConfigured("set SLACK_BOT_TOKEN and SLACK_CHANNEL to deliver Slack alerts")
    web = client(settings)
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        try:
            page = web.conversations_history(
                channel=settings.SLACK_CHANNEL or "",
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=HISTORY_PAGE,
                cursor=cursor,
            )
        except SlackApiError as exc:
            if exc.response.get("error") in CANNOT_LOOK:
                reason = exc.response.get("error")
                log.warning("Slack: cannot read the channel to avoid a repeat: %s", reason)
                return None
            raise
        for message in page.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("idempotency_key") == key:
                return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return False
    return False
