"""E-mail through the business's SMTP server (smtplib): one message per outbox entry.

The payload is the message as written ({"to", "subject", "text"}, and optionally "html" with
"images": {content id: base64 PNG} shown inline by it as cid:<content id>); the server, the
sender and the credentials are read when it is delivered, so fixing the settings delivers what
waited. The
idempotency key becomes the Message-ID, so a receiving server (or the visitor's mail program)
can tell a resent copy apart. A permanent refusal (5xx: no such mailbox, sender refused) makes
the entry dead at once; anything else is tried again."""

from __future__ import annotations

import base64
import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from core.integrations.delivery import Undeliverable
from core.settings import Settings


class EmailNotConfigured(RuntimeError):
    pass


def message_id(key: str, sender: str) -> str:
    """The Message-ID for `key`, at the domain of the sender ("Name <a@b.example>" or "a@b")."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "customeragent.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def compose(*, settings: Settings, payload: dict[str, Any], key: str) -> EmailMessage:
    if not settings.MAIL_FROM:
        raise EmailNotConfigured("MAIL_FROM is not set")
    message = EmailMessage()
    message["From"] = settings.MAIL_FROM
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(key, settings.MAIL_FROM)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
        html_part = message.get_body(preferencelist=("html",))
        assert isinstance(html_part, EmailMessage)
        for cid, png in (payload.get("images") or {}).items():
            html_part.add_related(
                base64.b64decode(png), maintype="image", subtype="png", cid=f"<{cid}>"
            )
    return message


def send(*, settings: Settings, payload: dict[str, Any], key: str) -> None:
    """Hand the message to SMTP_HOST; returns once the server has accepted it."""
    if not settings.email_configured:
        raise EmailNotConfigured("SMTP_HOST and MAIL_FROM must both be set")
    assert settings.SMTP_HOST is not None
    message = compose(settings=settings, payload=payload, key=key)
    try:
        with smtplib.SMTP(
            settings.SMTP_HOST, settings.SMTP_PORT, timeout=settings.SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if settings.SMTP_STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
            if settings.SMTP_USERNAME:
                smtp.login(settings.SMTP_USERNAME, settings.SMTP_PASSWORD or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            raise Undeliverable(f"the mail server refused the recipient: {codes}") from error
        raise
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600 and error.smtp_code != 530:  # 530: sign-in needed
            raise Undeliverable(f"the mail server refused: {error.smtp_code}") from error
        raise
