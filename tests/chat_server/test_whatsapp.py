"""Continuing on WhatsApp through Twilio: a visitor moves their chat there from the widget (a
number and their consent), the first WhatsApp message says what they asked, what they write on
WhatsApp (Twilio's signed webhook) continues the same conversation and the bot's answers and
the agents' replies go back over WhatsApp, once each; unsigned or wrongly signed posts are
refused; the number is stored encrypted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from core.crud import handover
from core.crud.conversations import get_conversation
from core.db import session_scope
from core.jobs import tasks
from core.models.conversations import Channel
from core.privacy.subjects import Lookup, find_subject
from core.settings import Settings
from tests.conftest import Visit
from tests.factories import forget_integration_settings, save_integration_settings
from tests.fake_slack import clear_outbox
from tests.fake_twilio import TOKEN, FakeTwilio

pytestmark = pytest.mark.slow

SENDER = "+14155238886"  # the business's WhatsApp sender at Twilio
VISITOR = "+447911123456"


@pytest.fixture
def twilio(engine: Engine) -> Iterator[FakeTwilio]:
    clear_outbox(engine)
    fake = FakeTwilio().start()
    yield fake
    fake.stop()
    clear_outbox(engine)


@pytest.fixture
def on_whatsapp(
    client: TestClient, settings: Settings, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    values = {
        **twilio.settings(),
        "TWILIO_WHATSAPP_FROM": SENDER,
        "OUTBOX_BACKOFF_BASE_SECONDS": 0.001,
        "OUTBOX_BACKOFF_MAX_SECONDS": 0.002,
    }
    for configured in (settings, client.app.state.chat.settings):  # type: ignore[attr-defined]
        for name, value in values.items():
            monkeypatch.setattr(configured, name, value)
    return settings


def inbound(
    client: TestClient,
    settings: Settings,
    body: str,
    *,
    number: str = VISITOR,
    sid: str | None = None,
    token: str = TOKEN,
) -> Any:
    form = {
        "From": f"whatsapp:{number}",
        "To": f"whatsapp:{SENDER}",
        "Body": body,
        "MessageSid": sid or f"SM{uuid.uuid4().hex}",
    }
    url = f"{settings.CHAT_PUBLIC_URL}/api/whatsapp/inbound"
    signature = RequestValidator(token).compute_signature(url, form)
    return client.post(
        "/api/whatsapp/inbound", data=form, headers={"X-Twilio-Signature": signature}
    )


def delivered(engine: Engine, settings: Settings, twilio: FakeTwilio) -> list[dict[str, str]]:
    tasks.drain_outbox(engine=engine, settings=settings)
    return [m for m in twilio.sent if m["To"].startswith("whatsapp:")]


def test_a_visitor_continues_on_whatsapp_and_the_bot_answers_there(
    client: TestClient, engine: Engine, twilio: FakeTwilio, on_whatsapp: Settings
) -> None:
    visit = Visit(client)
    visit.say("What are your opening hours?")
    moved = client.post(
        f"/api/conversations/{visit.cid}/whatsapp",
        json={"number": "+44 7911 123456", "consent": True},
        headers=visit.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json() == {"status": "sent", "number": VISITOR}
    [first] = delivered(engine, on_whatsapp, twilio)
    assert (first["To"], first["From"]) == (f"whatsapp:{VISITOR}", f"whatsapp:{SENDER}")
    assert "You asked: What are your opening hours?" in first["Body"]

    sid = f"SM{uuid.uuid4().hex}"
    answer = inbound(client, on_whatsapp, "do you rent bikes by the day?", sid=sid)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    said = [(m["role"], m["text"]) for m in visit.history()]
    assert ("visitor", "do you rent bikes by the day?") in said
    bot_reply = said[-1][1]
    assert said[-1][0] == "bot"
    first_again, reply = delivered(engine, on_whatsapp, twilio)
    assert reply["To"] == f"whatsapp:{VISITOR}" and reply["Body"].startswith(
        bot_reply.split("\n")[0][:40]
    )

    # Twilio posts the same message again (no answer in time): stored and answered once.
    assert inbound(client, on_whatsapp, "do you rent bikes by the day?", sid=sid).status_code == 200
    assert len(visit.history()) == len(said)
    assert len(delivered(engine, on_whatsapp, twilio)) == 2

    with Session(engine) as session:
        raw = session.execute(
            text("SELECT whatsapp_to, channel FROM conversation WHERE public_id = :p"),
            {"p": visit.cid},
        ).one()
    assert raw.channel == Channel.WHATSAPP and "7911123456" not in raw.whatsapp_to  # encrypted
    # The Privacy page finds the visitor by that number.
    with Session(engine) as session:
        found = find_subject(session=session, lookup=Lookup.PHONE, value="+44 7911 123456")
    assert found.rows["conversation"]


def test_an_agents_replies_go_to_whatsapp(
    client: TestClient, engine: Engine, twilio: FakeTwilio, on_whatsapp: Settings
) -> None:
    visit = Visit(client)
    visit.say("my wheel is buckled")
    client.post(
        f"/api/conversations/{visit.cid}/whatsapp",
        json={"number": VISITOR, "consent": True},
        headers=visit.headers,
    )
    with session_scope(engine) as session:
        handover.take_over(session=session, public_id=visit.cid, agent_name="Maya")
        handover.agent_reply(
            session=session,
            public_id=visit.cid,
            agent_name="Maya",
            text="Bring it in today, we'll true it.",
        )
    bodies = [m["Body"] for m in delivered(engine, on_whatsapp, twilio)]
    assert bodies[1:] == [
        "An agent has joined the conversation.",
        "Bring it in today, we'll true it.",
    ]
    # Taken over: the visitor's next WhatsApp message gets no bot answer, the agent sees it.
    inbound(client, on_whatsapp, "great, thanks")
    assert visit.history()[-1]["text"] == "great, thanks"
    assert len(delivered(engine, on_whatsapp, twilio)) == 3


def test_unsigned_or_wrongly_signed_posts_are_refused(
    client: TestClient, engine: Engine, twilio: FakeTwilio, on_whatsapp: Settings
) -> None:
    form = {"From": f"whatsapp:{VISITOR}", "Body": "hello", "MessageSid": f"SM{uuid.uuid4().hex}"}
    assert client.post("/api/whatsapp/inbound", data=form).status_code == 403
    assert inbound(client, on_whatsapp, "hello", token="not the auth token").status_code == 403
    forged = client.post(
        "/api/whatsapp/inbound",
        data=form | {"Body": "changed"},
        headers={
            "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(
                f"{on_whatsapp.CHAT_PUBLIC_URL}/api/whatsapp/inbound", form
            )
        },
    )
    assert forged.status_code == 403
    assert delivered(engine, on_whatsapp, twilio) == []


def test_an_auth_token_saved_on_the_integrations_page_is_the_one_checked(
    client: TestClient, engine: Engine, twilio: FakeTwilio, on_whatsapp: Settings
) -> None:
    save_integration_settings(engine, on_whatsapp, TWILIO_AUTH_TOKEN="a rotated auth token")
    try:
        assert inbound(client, on_whatsapp, "hello").status_code == 403  # the old token's
        assert inbound(client, on_whatsapp, "hello", token="a rotated auth token").status_code == (
            200
        )
    finally:
        forget_integration_settings(engine)


def test_someone_writing_first_on_whatsapp_starts_a_conversation(
    client: TestClient, engine: Engine, twilio: FakeTwilio, on_whatsapp: Settings
) -> None:
    number = "+15417543010"
    assert (
        inbound(client, on_whatsapp, "What are your opening hours?", number=number).status_code
        == 200
    )
    [answer] = delivered(engine, on_whatsapp, twilio)
    assert answer["To"] == f"whatsapp:{number}" and answer["Body"]


def test_moving_to_whatsapp_needs_consent_a_number_and_whatsapp(
    client: TestClient, settings: Settings, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = Visit(client)
    url = f"/api/conversations/{visit.cid}/whatsapp"
    assert (
        client.post(
            url, json={"number": VISITOR, "consent": True}, headers=visit.headers
        ).status_code
        == 503
    )
    live = client.app.state.chat.settings  # type: ignore[attr-defined]
    for name, value in {**twilio.settings(), "TWILIO_WHATSAPP_FROM": SENDER}.items():
        monkeypatch.setattr(live, name, value)
    refused = client.post(url, json={"number": VISITOR, "consent": False}, headers=visit.headers)
    assert refused.status_code == 422
    assert (
        client.post(
            url, json={"number": "07911 123456", "consent": True}, headers=visit.headers
        ).status_code
        == 422
    )
    assert client.post(url, json={"number": VISITOR, "consent": True}).status_code == 401
    with Session(client.app.state.chat.engine) as session:  # type: ignore[attr-defined]
        conversation = get_conversation(session=session, public_id=visit.cid)
        assert conversation is not None and conversation.channel == Channel.WIDGET
    assert client.get("/api/config").json()["whatsapp"] is True
