"""What the Integrations page shows of each channel: whether it is set up (and which settings
are missing), what it is sent, and a test the owner runs from the page, which talks to the real
service now (not through the outbox) and reports its answer word for word. Tests that would
reach a person (Slack, SMS, e-mail) say so in their text; the CRMs are only read from (a test
contact in a CRM would be a real record)."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubspot.crm.contacts.exceptions import ApiException as HubSpotError
from slack_sdk.errors import SlackClientError
from twilio.base.exceptions import TwilioException

from core.integrations import email, hubspot, salesforce, slack, sms
from core.settings import Settings

TEST_TEXT = "Test from CustomerAgent: alerts reach you here."


@dataclass(frozen=True)
class Channel:
    key: str
    name: str
    sends: str  # what it is sent, as the owner reads it
    settings: tuple[str, ...]  # what must be set
    test: Callable[[Settings], str]  # the service's answer; raises on failure


@dataclass(frozen=True)
class Result:
    ok: bool
    said: str


def _slack(settings: Settings) -> str:
    answer = slack.post(
        settings=settings,
        payload={"text": TEST_TEXT, "blocks": None},
        key="test",
    )
    return f"Slack posted the test message to {settings.SLACK_CHANNEL} (ts {answer})."


def _sms(settings: Settings) -> str:
    message = sms.client(settings).messages.create(
        to=settings.ALERT_SMS_TO, from_=settings.TWILIO_FROM, body=TEST_TEXT
    )
    return f"Twilio queued the text to {settings.ALERT_SMS_TO}: {message.sid} ({message.status})."


def _email(settings: Settings) -> str:
    to = settings.REPORT_EMAIL_TO[0] if settings.REPORT_EMAIL_TO else settings.MAIL_FROM
    email.send(
        settings=settings,
        payload={"to": to, "subject": "Test from CustomerAgent", "text": TEST_TEXT},
        key="test",
    )
    return f"{settings.SMTP_HOST} accepted the test e-mail to {to}."


def _hubspot(settings: Settings) -> str:
    page = hubspot.client(settings).crm.contacts.basic_api.get_page(limit=1)
    return f"HubSpot accepted the token (read {len(page.results)} contact; nothing written)."


def _salesforce(settings: Settings) -> str:
    connected = salesforce.connect(settings)
    found = connected.query("SELECT Id FROM Lead LIMIT 1")
    return (
        f"Salesforce signed in at {connected.sf_instance} and read {found['totalSize']} lead "
        "(nothing written)."
    )


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "slack",
        "Slack",
        "New contact requests, visitors waiting for a person, upset visitors, the daily digest",
        ("SLACK_BOT_TOKEN", "SLACK_CHANNEL"),
        _slack,
    ),
    Channel(
        "sms",
        "SMS (Twilio)",
        "Upset visitors, outside SMS_QUIET_HOURS, at most SMS_PER_HOUR an hour",
        ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "ALERT_SMS_TO"),
        _sms,
    ),
    Channel(
        "email",
        "E-mail",
        "The weekly report, and links visitors ask for to their data",
        ("SMTP_HOST", "MAIL_FROM"),
        _email,
    ),
    Channel(
        "hubspot",
        "HubSpot",
        "Contact requests, as contacts with the chat as a note",
        ("HUBSPOT_ACCESS_TOKEN",),
        _hubspot,
    ),
    Channel(
        "salesforce",
        "Salesforce",
        "Contact requests, as leads (or the contact that has the address) with a task",
        ("SALESFORCE_LOGIN_URL", "SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET"),
        _salesforce,
    ),
)


def missing(channel: Channel, settings: Settings) -> list[str]:
    return [name for name in channel.settings if not getattr(settings, name)]


def run(key: str, settings: Settings) -> Result:
    """Test one channel now; the service's answer, or what went wrong in its words."""
    channel = next((c for c in CHANNELS if c.key == key), None)
    if channel is None:
        return Result(False, f"No channel called {key!r}.")
    unset = missing(channel, settings)
    if unset:
        return Result(False, f"Set {', '.join(unset)} first.")
    try:
        return Result(True, channel.test(settings))
    except (
        SlackClientError,
        TwilioException,
        HubSpotError,
        smtplib.SMTPException,
        salesforce.SalesforceSignInError,
        OSError,
        RuntimeError,
        ValueError,
    ) as error:
        return Result(False, f"{channel.name} answered: {_words(error)}")


def _words(error: Exception) -> str:
    said: Any = getattr(error, "response", None)
    if isinstance(error, SlackClientError) and said is not None:
        return f"error {said.get('error')!r}"
    if isinstance(error, HubSpotError):
        return f"{error.status} {error.reason}"
    return f"{type(error).__name__}: {error}"
