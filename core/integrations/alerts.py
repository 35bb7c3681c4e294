"""Alerts to the team about what needs a person: a contact request, a conversation the bot
handed over, a visitor who reads angry. Each is written to the outbox in the transaction of
what it is about (a rolled-back turn sends nothing) and links to the conversation in the admin.

Only channels that are configured get an entry: without SLACK_BOT_TOKEN and SLACK_CHANNEL no
Slack alert is written at all, rather than piling up undeliverable ones. An upset visitor is
also texted to the owner (core/integrations/sms.py) when Twilio is set up."""

from __future__ import annotations

from urllib.parse import quote

from sqlmodel import Session

from core.crud import business as business_crud
from core.integrations import config, outbox, slack, sms
from core.models import ContactRequest, Conversation, Message, OutboxChannel
from core.settings import Settings

INBOX_PATH = "/inbox"  # the admin's inbox (app/pages/inbox), opening ?c=<conversation>
CONTACTS_PATH = "/contacts"  # the admin's list of contact requests


def conversation_url(settings: Settings, public_id: str) -> str:
    """The conversation in the admin's inbox, as a browser opens it."""
    return f"{settings.ADMIN_PUBLIC_URL}{INBOX_PATH}?c={quote(public_id, safe='')}"


def _send(
    session: Session,
    settings: Settings,
    alert: slack.Alert,
    key: str,
    conversation: Conversation | None,
) -> bool:
    settings = config.effective(session=session, settings=settings)
    if not settings.slack_configured:
        return False
    payload = slack.render(alert)
    if conversation is not None:
        # Posted in the message's metadata: a reply in the alert's thread goes to the visitor.
        payload["conversation"] = conversation.public_id
    return outbox.enqueue(
        session=session,
        channel=OutboxChannel.SLACK,
        payload=payload,
        key=f"slack:{key}",
        conversation_id=None if conversation is None else conversation.id,
    )


def contact_requested(
    *,
    session: Session,
    settings: Settings,
    request: ContactRequest,
    conversation: Conversation | None,
) -> bool:
    """A visitor sent the contact form. Returns whether an alert was written."""
    assert request.id is not None
    fields = [("Name", request.name), ("E-mail", request.email)]
    if request.phone:
        fields.append(("Phone", request.phone))
    if conversation is None:
        link, label = f"{settings.ADMIN_PUBLIC_URL}{CONTACTS_PATH}", "Open contact requests"
    else:
        link, label = conversation_url(settings, conversation.public_id), "Open conversation"
    alert = slack.Alert(
        title="New contact request",
        summary=f"New contact request from {request.name}: {request.message}",
        fields=fields,
        quote=request.message,
        link=link,
        link_label=label,
    )
    return _send(session, settings, alert, f"contact:{request.id}", conversation)


def handed_over(
    *, session: Session, settings: Settings, conversation: Conversation, question: Message
) -> bool:
    """The bot offered the visitor a person (they asked for one, or it could not help);
    `question` is the visitor's message it answered so. Returns whether an alert was written."""
    assert question.id is not None
    alert = slack.Alert(
        title="A visitor is waiting for a person",
        summary=f"A visitor asked for a person: {question.text}",
        fields=[*_mood(question), *_labels(conversation)],
        quote=question.text,
        link=conversation_url(settings, conversation.public_id),
        link_label="Take over in the inbox",
    )
    return _send(session, settings, alert, f"handover:{question.id}", conversation)


def became_urgent(
    *, session: Session, settings: Settings, conversation: Conversation, message: Message
) -> bool:
    """A visitor's message read angry or badly frustrated, and the conversation was not urgent
    before: one alert until an agent closes it. Returns whether an alert was written."""
    assert message.id is not None
    alert = slack.Alert(
        title="Urgent: an upset visitor",
        summary=f"Urgent: a visitor reads {message.emotion or 'upset'}: {message.text}",
        fields=[*_mood(message), *_labels(conversation)],
        quote=message.text,
        link=conversation_url(settings, conversation.public_id),
        link_label="Open conversation",
    )
    posted = _send(session, settings, alert, f"urgent:{message.id}", conversation)
    texted = sms.enqueue(
        session=session,
        settings=settings,
        timezone=business_crud.get_business(session=session).timezone,
        text=f"Urgent: a visitor reads {message.emotion or 'upset'}. {alert.link}",
        key=f"urgent:{message.id}",
        conversation_id=conversation.id,
    )
    return posted or texted


def _mood(message: Message) -> list[tuple[str, str]]:
    return [("Mood", message.emotion or "upset")] if message.urgency == "high" else []


def _labels(conversation: Conversation) -> list[tuple[str, str]]:
    fields = []
    if conversation.language:
        fields.append(("Language", conversation.language))
    if conversation.page_url:
        fields.append(("Started on", conversation.page_url))
    return fields
