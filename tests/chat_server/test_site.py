"""GET /api/config: the widget's triggers, quick actions and estimated waits."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete
from starlette.testclient import TestClient

from chat_server.endpoints.site import WaitCache
from core.crud import business as business_crud
from core.db import session_scope
from core.models import Conversation, Message, Role
from core.models.business import BusinessUpdate
from core.settings import Settings
from tests.conftest import Visit
from tests.factories import make_conversation


def test_config_serves_the_demo_triggers_and_quick_actions(
    client: TestClient, settings: Settings
) -> None:
    demo = json.loads((settings.DEMO_DIR / "business.json").read_text(encoding="utf-8"))
    config = client.get("/api/config").json()
    assert config["triggers"] == demo["triggers"]
    pricing = next(t for t in config["triggers"] if t["name"] == "pricing-help")
    assert pricing == {
        "name": "pricing-help",
        "kind": "time_on_page",
        "url_pattern": "/pricing*",
        "seconds": 30,
        "message": "Questions about our prices? I can help.",
    }
    assert {t["kind"] for t in config["triggers"]} >= {"time_on_page", "exit_intent", "manual"}
    assert set(config["quick_actions"]) == {"after_hours", "product"}
    assert [b["label"] for b in config["quick_actions"]["product"]] == [
        "Book a service",
        "Rental prices",
        "Test ride",
    ]
    callback = config["quick_actions"]["after_hours"][0]
    assert callback == {"label": "Request a callback", "action": "contact_form"}


def test_config_carries_estimated_waits(client: TestClient) -> None:
    Visit(client).say("how much is a basic tune-up?")  # at least one measured bot answer
    wait = client.get("/api/config").json()["estimated_wait"]
    assert set(wait) == {"bot_seconds", "agent_seconds"}
    # Cached for 30 s: measured now or on an earlier request of this run.
    assert wait["bot_seconds"] is None or 0 <= wait["bot_seconds"] < 60
    assert wait["agent_seconds"] is None or wait["agent_seconds"] >= 0


def test_a_settings_change_shows_at_once_though_the_waits_are_cached(
    client: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        original = BusinessUpdate.model_validate(
            business_crud.get_business(session=session), from_attributes=True
        )
    trigger = {"name": "late-night", "kind": "scroll_bottom", "message": "Still reading?"}
    try:
        with session_scope(engine) as session:
            business_crud.update_business(
                session=session,
                business_in=BusinessUpdate.model_validate(
                    original.model_dump() | {"triggers": [trigger], "quick_actions": {}}
                ),
            )
        config = client.get("/api/config").json()
        assert (config["triggers"], config["quick_actions"]) == ([trigger], {})
    finally:
        with session_scope(engine) as session:
            business_crud.update_business(session=session, business_in=original)


def test_the_wait_cache_recomputes_only_after_its_time(engine: Engine) -> None:
    fresh, kept = WaitCache(ttl=0), WaitCache(ttl=3600)
    with Session(engine) as session:
        fresh.get(session)
        before = kept.get(session)
    with session_scope(engine) as session:
        visitor_conv = make_conversation(session).id
        # Enough slow answers to move the median of the latest 200 past a minute.
        for _ in range(200):
            session.add(
                Message(conversation_id=visitor_conv, role=Role.BOT, text="x", latency_ms=99_000.0)
            )
    try:
        with Session(engine) as session:
            assert kept.get(session) == before
            assert fresh.get(session).bot_seconds == 99.0
    finally:
        with session_scope(engine) as session:
            _delete_conversation(session, visitor_conv)


def _delete_conversation(session: Session, conversation_id: int) -> None:
    session.exec(delete(Message).where(col(Message.conversation_id) == conversation_id))  # type: ignore[call-overload]
    session.exec(delete(Conversation).where(col(Conversation.id) == conversation_id))  # type: ignore[call-overload]


def test_the_default_greeting_comes_in_every_language_the_owners_own_in_none(
    client: TestClient, engine: Engine
) -> None:
    from core.bot.texts import TEXTS

    assert client.get("/api/config").json()["greetings"] == {}  # the demo's own greeting
    with Session(engine) as session:
        original = BusinessUpdate.model_validate(
            business_crud.get_business(session=session), from_attributes=True
        )
    try:
        with session_scope(engine) as session:
            business_crud.update_business(
                session=session,
                business_in=BusinessUpdate.model_validate(
                    original.model_dump() | {"greeting": "Hi! How can I help you today?"}
                ),
            )
        config = client.get("/api/config").json()
        assert set(config["greetings"]) == set(TEXTS) == {"en", "ur", "es", "fr", "de", "ar"}
        assert config["greetings"]["es"] == "¡Hola! ¿En qué puedo ayudarte hoy?"
        assert config["greetings"]["en"] == config["greeting"]
    finally:
        with session_scope(engine) as session:
            business_crud.update_business(session=session, business_in=original)
