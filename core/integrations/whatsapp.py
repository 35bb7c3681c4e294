"""WhatsApp through Twilio: a visitor continues the chat there (they give their number and
agree), and from then on the bot's answers and the agents' replies in that conversation are
sent to it, and what they write there (Twilio's webhook, /api/whatsapp/inbound) continues it.

The number is kept encrypted on the conversation (`whatsapp_to`) with a keyed hash of it
(`whatsapp_key`, HMAC-SHA256 with the signing secret), by which an incoming message finds its
conversation without the number in clear. Replies go through the outbox like every message that
leaves the system, as plain text (rich answers by their plain-text fallback, quick replies
listed), at most WHATSAPP_CHARS long."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select
from twilio.base.exceptions import TwilioRestException

from core.content.rich import plain_text
from core.crud import business as business_crud
from core.crypto import load_secret
from core.integrations import outbox
from core.integrations.delivery import Undeliverable
from core.integrations.sms import client
from core.models import Conversation, Message, OutboxChannel, Role
from core.models.conversations import Channel
from core.settings import Settings

WHATSAPP_CHARS = 1600  # Twilio's limit on one WhatsApp message body
QUOTE_CHARS = 200


def number_key(settings: Settings, number: str) -> str:
    """The keyed hash an incoming message from `number` (E.164) finds its conversation by."""
    secret = load_secret(settings).encode()
    return hmac.new(secret, f"whatsapp:{number}".encode(), hashlib.sha256).hexdigest()


def international(number: str) -> str:
    """`number` as E.164 digits (+ and 8 to 15 digits), separators dropped; ValueError if not."""
    digits = "".join(c for c in number if c.isdigit())
    if not number.strip().startswith("+") or not 8 <= len(digits) <= 15 or digits[0] == "0":
        raise ValueError(f"{number!r} is not a phone number in international form (+44 ...)")
    return f"+{digits}"


def address(number: str) -> str:
    return f"whatsapp:{number}"


def find_conversation(*, session: Session, settings: Settings, number: str) -> Conversation | None:
    """The newest conversation continued on WhatsApp from `number`."""
    return session.exec(
        select(Conversation)
        .where(col(Conversation.whatsapp_key) == number_key(settings, number))
        .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
        .limit(1)
    ).first()


def as_text(message: Message) -> str:
    """A stored message as WhatsApp shows it: plain text, quick replies listed after it."""
    text = plain_text(message.full_text, message.rich or [])
    if message.quick_replies:
        text += "\n\n" + "\n".join(f"• {choice}" for choice in message.quick_replies)
    return text if len(text) <= WHATSAPP_CHARS else text[: WHATSAPP_CHARS - 1] + "…"


def forward(*, session: Session, conversation: Conversation, message: Message) -> bool:
    """Send a bot answer, an agent's reply or a notice in a WhatsApp conversation to the
    visitor's WhatsApp, in the caller's transaction. Returns whether one was written."""
    if conversation.channel != Channel.WHATSAPP or not conversation.whatsapp_to:
        return False
    if message.role == Role.VISITOR:
        return False
    assert message.id is not None
    return outbox.enqueue(
        session=session,
        channel=OutboxChannel.WHATSAPP,
        payload={"to": conversation.whatsapp_to, "body": as_text(message)},
        key=f"whatsapp:{message.id}",
        conversation_id=conversation.id,
    )


def continue_on_whatsapp(
    *, session: Session, settings: Settings, conversation: Conversation, number: str
) -> str:
    """Move `conversation` to WhatsApp at `number` (international form: + and 8 to 15 digits,
    spaces and dashes ignored; ValueError otherwise) and write the first WhatsApp message: who is
    writing, what the visitor asked, and that answering it goes on with the chat. Returns the
    number in E.164. Whether WhatsApp reaches it, only sending tells: a number Twilio refuses
    makes the message dead (the Outbox page shows why)."""
    to = international(number)
    first = session.exec(
        select(Message)
        .where(col(Message.conversation_id) == conversation.id, col(Message.role) == Role.VISITOR)
        .order_by(col(Message.id))
        .limit(1)
    ).first()
    business = business_crud.get_business(session=session).name
    lines = [f"{business}: this is your chat from our website, continued here."]
    if first is not None:
        asked = first.text if len(first.text) <= QUOTE_CHARS else first.text[:QUOTE_CHARS] + "…"
        lines.append(f"You asked: {asked}")
    lines.append("Write here to go on; the assistant and our team answer in this chat.")
    conversation.channel = Channel.WHATSAPP
    conversation.whatsapp_to = to
    conversation.whatsapp_key = number_key(settings, to)
    session.add(conversation)
    session.flush()
    outbox.enqueue(
        session=session,
        channel=OutboxChannel.WHATSAPP,
        payload={"to": to, "body": "\n\n".join(lines)},
        key=f"whatsapp:start:{conversation.public_id}:{to}",
        conversation_id=conversation.id,
    )
    return to


def already_sent(*, settings: Settings, payload: dict[str, Any], since: datetime) -> bool:
    """Whether this body went to this number since `since` (a runner died after Twilio took it)."""
    sent = client(settings, whatsapp=True).messages.list(
        to=address(payload["to"]), date_sent_after=since - timedelta(minutes=1), limit=200
    )
    return any(message.body == payload["body"] for message in sent)


def send(*, settings: Settings, payload: dict[str, Any]) -> None:
    """Hand the message to Twilio's WhatsApp sender; returns once Twilio has queued it."""
    try:
        client(settings, whatsapp=True).messages.create(
            to=address(payload["to"]),
            from_=address(settings.TWILIO_WHATSAPP_FROM or ""),
            body=payload["body"],
        )
    except TwilioRestException as error:
        if 400 <= error.status < 500 and error.status not in (401, 429):
            # Not a WhatsApp number, or outside WhatsApp's 24-hour window (63016): sending the
            # same message again cannot help.
            raise Undeliverable(f"Twilio refused the message: {error.code} {error.msg}") from error
        raise
