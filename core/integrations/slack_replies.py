"""Agents answer visitors from Slack: a reply in the thread of an alert about a conversation
(posted to /api/slack/events by Slack's Events API; the chat server checks its signature)
becomes the agent's reply in the visitor's widget, taking the conversation over from the bot
first if no one had. The alert's metadata names the conversation; the agent is named as Slack
names them. Slack delivers an event again when it got no answer in time: the reply's ts is its
client id, so the visitor sees it once. Anything else (a new message in the channel, an edit, a
bot's post, a thread under another message) is left alone."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from core.crud import audit, handover
from core.crud.conversations import get_conversation
from core.db import session_scope
from core.integrations import slack
from core.models import ConversationStatus
from core.models.audit import AuditAction
from core.settings import Settings

log = logging.getLogger(__name__)

UNNAMED = "Slack user"
# Slack's markup in message text: <https://x|label>, <https://x>, <mailto:a@b|a@b>.
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")


class Outcome(StrEnum):
    DELIVERED = "delivered"
    REPEAT = "repeat"  # Slack sent the same reply again: stored once
    NOT_AN_ALERT = "not-an-alert"  # a thread under something else: ignored
    GONE = "gone"  # the conversation was erased or cleaned up: said so in the thread
    REFUSED = "refused"  # empty or too long: said so in the thread


@dataclass(frozen=True)
class ThreadReply:
    channel: str
    thread_ts: str  # the alert's ts
    ts: str  # the reply's own
    user: str
    text: str


def thread_reply(event: dict[str, Any]) -> ThreadReply | None:
    """The reply an Events API `message` event carries, or None for anything else."""
    if event.get("type") != "message" or event.get("subtype") or event.get("bot_id"):
        return None
    values = [event.get(name) for name in ("channel", "thread_ts", "ts", "user", "text")]
    if not all(isinstance(v, str) and v for v in values) or event["thread_ts"] == event["ts"]:
        return None
    return ThreadReply(*values)  # type: ignore[arg-type]


def plain(text: str) -> str:
    """Slack's message text as the visitor should read it: links written out, &amp; &lt; &gt;
    back to characters."""
    written = LINK.sub(
        lambda m: m[2] if m[2] and m[2] in m[1] else (f"{m[2]} ({m[1]})" if m[2] else m[1]), text
    )
    return html.unescape(written.removeprefix("mailto:")).strip()


def conversation_of(*, settings: Settings, reply: ThreadReply) -> str | None:
    """The public id of the conversation the thread's alert is about, from its metadata."""
    page = slack.client(settings).conversations_history(
        channel=reply.channel,
        latest=reply.thread_ts,
        inclusive=True,
        limit=1,
        include_all_metadata=True,
    )
    for message in page.get("messages") or []:
        metadata = message.get("metadata") or {}
        if message.get("ts") == reply.thread_ts and metadata.get("event_type") == slack.EVENT_TYPE:
            found = (metadata.get("event_payload") or {}).get("conversation")
            return str(found) if found else None
    return None


def agent_name(*, settings: Settings, user: str) -> str:
    """How Slack names the agent (users:read), or "Slack user" without that scope."""
    try:
        found = slack.client(settings).users_info(user=user)["user"]
    except (SlackApiError, KeyError, TypeError) as error:
        log.warning("Slack: cannot read the name of %s: %s", user, error)
        return UNNAMED
    profile = found.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), found.get("real_name")):
        if name:
            return str(name)
    return str(found.get("name") or UNNAMED)


def _answer_in_thread(settings: Settings, reply: ThreadReply, text: str) -> None:
    try:
        slack.client(settings).chat_postMessage(
            channel=reply.channel, thread_ts=reply.thread_ts, text=text
        )
    except SlackApiError as error:
        log.warning("Slack: cannot answer in the thread: %s", error)


def _tick(settings: Settings, reply: ThreadReply) -> None:
    try:
        slack.client(settings).reactions_add(
            channel=reply.channel, timestamp=reply.ts, name="white_check_mark"
        )
    except SlackApiError as error:
        log.warning("Slack: cannot mark the reply as delivered: %s", error)


def deliver(*, engine: Engine, settings: Settings, reply: ThreadReply) -> Outcome:
    """Store the reply as the agent's (taking the conversation over when the bot has it) and
    mark it ✅ in Slack; tell the thread when it cannot go to the visitor. Raises SlackApiError
    when Slack cannot say what the thread is about (the event is then answered with an error
    and Slack sends it again)."""
    public_id = conversation_of(settings=settings, reply=reply)
    if public_id is None:
        return Outcome.NOT_AN_ALERT
    name = agent_name(settings=settings, user=reply.user)
    client_id = f"slack:{reply.ts}"
    try:
        with session_scope(engine) as session:
            conversation = get_conversation(session=session, public_id=public_id)
            if conversation is None:
                outcome = Outcome.GONE
            else:
                stored_before = handover.reply_stored(
                    session=session, conversation=conversation, client_id=client_id
                )
                if not stored_before and conversation.status != ConversationStatus.HUMAN:
                    handover.take_over(session=session, public_id=public_id, agent_name=name)
                    audit.record_action(
                        session=session,
                        action=AuditAction.TAKEOVER,
                        actor=audit.Actor(name=f"{name} (Slack {reply.user})"),
                        details={"conversation_id": conversation.id, "from": "slack"},
                    )
                handover.agent_reply(
                    session=session,
                    public_id=public_id,
                    agent_name=name,
                    text=plain(reply.text),
                    client_id=client_id,
                )
                outcome = Outcome.REPEAT if stored_before else Outcome.DELIVERED
    except ValueError as error:  # empty or too long
        _answer_in_thread(settings, reply, f"Not sent to the visitor: {error}")
        return Outcome.REFUSED
    if outcome is Outcome.GONE:
        _answer_in_thread(
            settings, reply, "Not sent: this conversation is no longer stored (erased)."
        )
    elif outcome is Outcome.DELIVERED:
        _tick(settings, reply)
    return outcome
