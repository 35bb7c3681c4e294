"""Links to one person's data export, e-mailed to an address they give: signed, expiring after
EXPORT_LINK_HOURS, and sent only when something is stored about that address (the request is
answered the same either way, so it tells nobody whether an address is known). Whoever opens
the link has shown they read that mailbox, so the export is the admin's: everything the address
leads to."""

from __future__ import annotations

import hashlib
import time

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from core.crud import business as business_crud
from core.integrations import outbox
from core.models import OutboxChannel
from core.privacy.subjects import Lookup, SubjectNotFound, find_subject, normalise
from core.settings import Settings

SALT = "customeragent.export-link"
PATH = "/api/visitor/data/by-link"
REPEAT_SECONDS = 600  # one e-mail per address in this time, however often it is asked for


class BadLink(ValueError):
    """Not a link this server made (or altered)."""


class ExpiredLink(BadLink):
    pass


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(*, secret: str, email: str) -> str:
    return _serializer(secret).dumps(normalise(Lookup.EMAIL, email))


def read_token(*, secret: str, token: str, settings: Settings) -> str:
    """The e-mail address the link was made for; BadLink or ExpiredLink."""
    try:
        email = _serializer(secret).loads(token, max_age=settings.EXPORT_LINK_HOURS * 3600)
    except SignatureExpired:
        raise ExpiredLink("This link has expired.") from None
    except BadSignature:
        raise BadLink("This link is not valid.") from None
    if not isinstance(email, str):
        raise BadLink("This link is not valid.")
    return email


def request_link(
    *, session: Session, settings: Settings, secret: str, email: str, now: float | None = None
) -> bool:
    """E-mail a link to the export of `email`'s data, in the caller's transaction, if anything
    is stored about that address (BadLookup for a malformed one). Returns whether one was
    written to the outbox (False also for a repeat within REPEAT_SECONDS)."""
    address = normalise(Lookup.EMAIL, email)
    try:
        find_subject(session=session, lookup=Lookup.EMAIL, value=address)
    except SubjectNotFound:
        return False
    business = business_crud.get_business(session=session)
    link = f"{settings.CHAT_PUBLIC_URL}{PATH}?token={make_token(secret=secret, email=address)}"
    hours = settings.EXPORT_LINK_HOURS
    text = (
        f"Hello,\n\nSomeone, we hope you, asked {business.name} for a copy of the personal data "
        f"its chat holds about {address}. Download it (a ZIP file) within {hours} hours from:\n\n"
        f"{link}\n\nIf you did not ask for it, ignore this e-mail: without the link nobody can "
        "download anything.\n"
    )
    bucket = int((time.time() if now is None else now) // REPEAT_SECONDS)
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return outbox.enqueue(
        session=session,
        channel=OutboxChannel.EMAIL,
        payload={"to": address, "subject": f"Your data at {business.name}", "text": text},
        key=f"export-link:{digest}:{bucket}",
    )
