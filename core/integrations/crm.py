"""The business's CRM hears of people who asked to be contacted: a contact request is written
to the outbox, in the request's transaction, for HubSpot (core/integrations/hubspot.py) when
HUBSPOT_ACCESS_TOKEN is set and for Salesforce (core/integrations/salesforce.py) when
SALESFORCE_LOGIN_URL is (from the environment or the Integrations page), with a short summary of
the chat as the note."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.integrations import config, outbox
from core.integrations.alerts import conversation_url
from core.models import ContactRequest, Conversation, Message, OutboxChannel, Role
from core.settings import Settings

QUOTE_CHARS = 300


def summary(*, session: Session, settings: Settings, request: ContactRequest,
            conversation: Conversation | None) -> str:  # fmt: skip
    """The note: what they asked for, and the chat it came from."""
    lines = [f"Contact request from the website chat: {request.message}"]
    if conversation is not None:
        messages = session.exec(
            select(Message)
            .where(col(Message.conversation_id) == conversation.id)
            .order_by(col(Message.id))
        ).all()
        first = next((m.text for m in messages if m.role == Role.VISITOR), None)
        lines.append(f"Chat: {len(messages)} messages, in {conversation.language or 'en'}.")
        if first:
            cut = first if len(first) <= QUOTE_CHARS else first[: QUOTE_CHARS - 1] + "…"
            lines.append(f"First question: {cut}")
        lines.append(f"Open it: {conversation_url(settings, conversation.public_id)}")
    return "\n".join(lines)


def set_up(
    settings: Settings, *, hubspot: OutboxChannel, salesforce: OutboxChannel
) -> list[OutboxChannel]:
    """Of the two channels given (one per CRM), those whose CRM is set up."""
    return [
        channel
        for channel, configured in (
            (hubspot, bool(settings.HUBSPOT_ACCESS_TOKEN)),
            (salesforce, settings.salesforce_configured),
        )
        if configured
    ]


def contact_requested(
    *,
    session: Session,
    settings: Settings,
    request: ContactRequest,
    conversation: Conversation | None,
) -> bool:
    """Write the contact to each configured CRM's queue. Returns whether an entry was written.
    The payload carries every field a mapping may send (core/integrations/crm_fields.py)."""
    settings = config.effective(session=session, settings=settings)
    crms = set_up(settings, hubspot=OutboxChannel.HUBSPOT, salesforce=OutboxChannel.SALESFORCE)
    if not crms:
        return False
    assert request.id is not None
    payload = {
        "email": request.email,
        "name": request.name,
        "phone": request.phone,
        "message": request.message,
        "page": None if conversation is None else conversation.page_url,
        "language": None if conversation is None else conversation.language,
        "link": None
        if conversation is None
        else conversation_url(settings, conversation.public_id),
        "note": summary(
            session=session, settings=settings, request=request, conversation=conversation
        ),
    }
    written = [
        outbox.enqueue(
            session=session,
            channel=channel,
            payload=payload,
            key=f"{channel}:contact:{request.id}",
            conversation_id=None if conversation is None else conversation.id,
        )
        for channel in crms
    ]
    return any(written)
