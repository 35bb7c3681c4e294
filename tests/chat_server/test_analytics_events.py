"""What a visitor does in a chat is recorded as events in the vocabulary flows, funnels and
quality read: one per step, with the labels those pages need and never the text."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from core.models import AnalyticsEvent, Conversation, Visitor
from tests.conftest import Visit

pytestmark = pytest.mark.slow

KEY = "0123456789abcdef0123456789abcdef"


def _events(engine: Engine, cid: str) -> list[AnalyticsEvent]:
    with Session(engine) as session:
        conversation = session.exec(select(Conversation).where(Conversation.public_id == cid)).one()
        query = select(AnalyticsEvent).where(AnalyticsEvent.conversation_id == conversation.id)
        return list(session.exec(query.order_by(col(AnalyticsEvent.id))).all())


def test_a_chat_is_recorded_step_by_step_without_its_text(
    client: TestClient, engine: Engine
) -> None:
    visit = Visit(client, {"visitor_key": KEY, "browser_language": "en-GB"})
    answer = visit.say("do you do bike fittings")["reply"]
    visit.say("I want to talk to a human please")
    rated = client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": -1, "message_id": answer["id"], "comment": "too short"},
        headers=visit.headers,
    )
    assert rated.status_code == 201, rated.text

    events = _events(engine, visit.cid)
    assert [e.name for e in events] == [
        "conversation_started",
        "visitor_message",
        "bot_answered",
        "visitor_message",
        "bot_handed_over",
        "feedback_given",
    ]
    started, _, answered, _, handed_over, feedback = events
    assert (started.properties["channel"], started.properties["language"]) == ("widget", "en")
    assert answered.faq_id == answer["faq_id"] and answered.properties["kind"] == "answer"
    assert handed_over.properties["intent"] == "_human"
    assert (feedback.faq_id, feedback.properties["rating"]) == (answer["faq_id"], -1)
    stored = json.dumps([e.properties for e in events])
    assert "fitting" not in stored and "human please" not in stored and "too short" not in stored
    with Session(engine) as session:
        keys = session.exec(select(Visitor.visitor_key)).all()
    assert KEY in keys


def test_a_malformed_visitor_key_is_refused(client: TestClient) -> None:
    response = client.post("/api/conversations", json={"visitor_key": "../../etc/passwd"})
    assert response.status_code == 422
    assert "visitor_key" in response.text
