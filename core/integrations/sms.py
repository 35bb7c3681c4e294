"""SMS alerts to the owner's phone (twilio's REST client): an upset visitor, when Slack may go
unread. A text crosses phone networks in clear, so it says what happened and links to the
conversation in the admin; it never quotes the visitor.

An SMS is written beside the Slack alert, unless it is quiet hours on the business's clock
(SMS_QUIET_HOURS: the Slack alert still goes) or SMS_PER_HOUR were written in the last hour (a
flood of upset visitors does not become a flood of texts). The account, the sender and the API
address are read when it is delivered. A runner that died mid-send leaves the next one unsure:
it first lists the texts sent to the owner since the alert was written and does not send one
with the same body again (Twilio's Messages API has no idempotency key)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from core.integrations import config, outbox
from core.integrations.delivery import Undeliverable
from core.integrations.sms_rules import is_quiet
from core.models import OutboxChannel, OutboxEntry
from core.models._types import utcnow
from core.settings import Settings


def enqueue(
    *,
    session: Session,
    settings: Settings,
    timezone: str,
    text: str,
    key: str,
    conversation_id: int | None,
    now: datetime | None = None,
) -> bool:
    """Write an SMS to ALERT_SMS_TO in the caller's transaction, unless SMS are not set up, it
    is quiet hours or the hourly cap is reached. Returns whether one was written."""
    settings = config.effective(session=session, settings=settings)
    if not settings.sms_configured:
        return False
    now = now or utcnow()
    if is_quiet(settings.SMS_QUIET_HOURS, timezone, now):
        return False
    written = session.exec(
        select(func.count())
        .select_from(OutboxEntry)
        .where(
            col(OutboxEntry.channel) == OutboxChannel.SMS,
            col(OutboxEntry.created_at) > now - timedelta(hours=1),
        )
    ).one()
    if written >= settings.SMS_PER_HOUR:
        return False
    assert settings.ALERT_SMS_TO is not None
    return outbox.enqueue(
        session=session,
        channel=OutboxChannel.SMS,
        payload={"to": settings.ALERT_SMS_TO, "body": text},
        key=f"sms:{key}",
        conversation_id=conversation_id,
    )


def client(settings: Settings, *, whatsapp: bool = False) -> Client:
    """Twilio's REST client, for texts (SMS settings) or `whatsapp` messages."""
    if whatsapp and not settings.whatsapp_configured:
        raise RuntimeError("set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM")
    if not whatsapp and not settings.sms_configured:
        raise RuntimeError("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM and ALERT_SMS_TO")
    client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    client.api.base_url = settings.TWILIO_API_URL
    return client


def already_sent(*, settings: Settings, payload: dict[str, Any], since: datetime) -> bool:
    """Whether a text with this body went to this number since `since` (a runner died after
    Twilio took it)."""
    sent = client(settings).messages.list(
        to=payload["to"], date_sent_after=since - timedelta(minutes=1), limit=200
    )
    return any(message.body == payload["body"] for message in sent)


def send(*, settings: Settings, payload: dict[str, Any]) -> None:
    """Hand the text to Twilio; returns once Twilio has queued it."""
    try:
        client(settings).messages.create(
            to=payload["to"], from_=settings.TWILIO_FROM, body=payload["body"]
        )
    except TwilioRestException as error:
        if 400 <= error.status < 500 and error.status not in (401, 429):
            # A number Twilio cannot text (21211, 21610...): sending again cannot help.
            raise Undeliverable(f"Twilio refused the text: {error.code} {error.msg}") from error
        raise
