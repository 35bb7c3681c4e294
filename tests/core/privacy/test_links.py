"""E-mailed links to a person's data export: written only for a known address, once in ten
minutes, signed and expiring."""

from __future__ import annotations

import types

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import session_scope
from core.models import OutboxChannel, OutboxEntry
from core.privacy import links
from core.privacy.subjects import BadLookup
from core.settings import Settings
from tests.factories import make_person

SECRET = "s" * 48


def email_entries(engine: Engine, address: str) -> list[OutboxEntry]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxEntry).where(col(OutboxEntry.channel) == OutboxChannel.EMAIL)
        ).all()
    return [row for row in rows if row.payload["to"] == address]


def test_a_known_address_gets_one_link_in_ten_minutes(engine: Engine, settings: Settings) -> None:
    with session_scope(engine) as session:
        person = make_person(session)

    def ask(now: float) -> bool:
        with session_scope(engine) as session:
            return links.request_link(
                session=session,
                settings=settings,
                secret=SECRET,
                email=person.email.upper(),
                now=now,
            )

    asked = [ask(now) for now in (1_000_000_000, 1_000_000_100, 1_000_000_700)]
    assert asked == [True, False, True]  # the second came within 10 minutes of the first
    [entry, _] = email_entries(engine, person.email)
    assert entry.payload["subject"] == "Your data at Harbourside Bikes"
    link = next(word for word in entry.payload["text"].split() if links.PATH in word)
    assert link.startswith(f"{settings.CHAT_PUBLIC_URL}{links.PATH}?token=")
    token = link.partition("token=")[2]
    assert links.read_token(secret=SECRET, token=token, settings=settings) == person.email


def test_an_unknown_address_gets_nothing_and_a_malformed_one_is_refused(
    engine: Engine, settings: Settings
) -> None:
    with session_scope(engine) as session:
        assert not links.request_link(
            session=session, settings=settings, secret=SECRET, email="stranger@example.org"
        )
        with pytest.raises(BadLookup):
            links.request_link(session=session, settings=settings, secret=SECRET, email="nope")
    assert email_entries(engine, "stranger@example.org") == []


def test_a_link_expires_and_an_altered_one_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = links.make_token(secret=SECRET, email="jo@example.org")
    with pytest.raises(links.BadLink, match="not valid"):
        links.read_token(secret=SECRET, token=token[:-2] + "xx", settings=settings)
    with pytest.raises(links.BadLink, match="not valid"):
        links.read_token(secret="another secret", token=token, settings=settings)
    later = types.SimpleNamespace(time=lambda: __import__("time").time() + 25 * 3600)
    monkeypatch.setattr("itsdangerous.timed.time", later)
    with pytest.raises(links.ExpiredLink, match="expired"):
        links.read_token(secret=SECRET, token=token, settings=settings)  # 24 hours by default
