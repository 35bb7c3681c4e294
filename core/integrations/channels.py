"""Each outbox channel's delivery function, in one place: the jobs runner sends an entry through
the function of its channel, and a channel missing here makes its entries dead."""

from __future__ import annotations

from collections.abc import Mapping

from core.integrations import crm_erasure, email, hubspot, salesforce, slack, sms, whatsapp
from core.integrations.delivery import Deliver, Outgoing
from core.models import OutboxChannel
from core.settings import Settings


def _slack(outgoing: Outgoing, settings: Settings) -> None:
    if outgoing.unsure and slack.already_posted(
        settings=settings, key=outgoing.key, since=outgoing.created_at
    ):
        return  # the runner that died had posted it: delivered, once
    slack.post(settings=settings, payload=outgoing.payload, key=outgoing.key)


def _email(outgoing: Outgoing, settings: Settings) -> None:
    email.send(settings=settings, payload=outgoing.payload, key=outgoing.key)


def _sms(outgoing: Outgoing, settings: Settings) -> None:
    if outgoing.unsure and sms.already_sent(
        settings=settings, payload=outgoing.payload, since=outgoing.created_at
    ):
        return  # the runner that died had sent it: delivered, once
    sms.send(settings=settings, payload=outgoing.payload)


def _hubspot(outgoing: Outgoing, settings: Settings) -> str:
    return hubspot.send(
        settings=settings, payload=outgoing.payload, key=outgoing.key, unsure=outgoing.unsure
    )


def _salesforce(outgoing: Outgoing, settings: Settings) -> str:
    return salesforce.send(
        settings=settings, payload=outgoing.payload, key=outgoing.key, unsure=outgoing.unsure
    )


def _whatsapp(outgoing: Outgoing, settings: Settings) -> None:
    if outgoing.unsure and whatsapp.already_sent(
        settings=settings, payload=outgoing.payload, since=outgoing.created_at
    ):
        return  # the runner that died had sent it: delivered, once
    whatsapp.send(settings=settings, payload=outgoing.payload)


def _hubspot_erasure(outgoing: Outgoing, settings: Settings) -> None:
    crm_erasure.delete_from_hubspot(settings=settings, payload=outgoing.payload)


def _salesforce_erasure(outgoing: Outgoing, settings: Settings) -> None:
    crm_erasure.delete_from_salesforce(settings=settings, payload=outgoing.payload)


DELIVERERS: Mapping[str, Deliver] = {
    OutboxChannel.SLACK: _slack,
    OutboxChannel.EMAIL: _email,
    OutboxChannel.SMS: _sms,
    OutboxChannel.HUBSPOT: _hubspot,
    OutboxChannel.SALESFORCE: _salesforce,
    OutboxChannel.WHATSAPP: _whatsapp,
    OutboxChannel.HUBSPOT_ERASURE: _hubspot_erasure,
    OutboxChannel.SALESFORCE_ERASURE: _salesforce_erasure,
}
