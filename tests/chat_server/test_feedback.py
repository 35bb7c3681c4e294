"""Visitors rate the bot's answers: one rating per message, shown again in the history."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.models import Feedback
from tests.conftest import Visit

pytestmark = pytest.mark.slow


def test_feedback_on_an_answer(client: TestClient, visit: Visit) -> None:
    reply = visit.say("do you do bike fittings")["reply"]
    response = client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": 1, "message_id": reply["id"]},
        headers=visit.headers,
    )
    assert response.status_code == 201
    wrong = client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": 1, "message_id": 10**9},
        headers=visit.headers,
    )
    assert wrong.status_code == 404


def test_an_answer_keeps_one_rating_which_the_history_shows(
    client: TestClient, engine: Engine
) -> None:
    visit = Visit(client)
    reply = visit.say("do you do bike fittings")["reply"]
    url = f"/api/conversations/{visit.cid}/feedback"

    def rate(**body: object) -> int:
        response = client.post(url, json={"message_id": reply["id"], **body}, headers=visit.headers)
        assert response.status_code in (200, 201), response.text
        return response.status_code

    assert rate(rating=-1) == 201
    assert rate(rating=1) == 200  # a change of mind replaces the rating
    assert rate(rating=-1) == 200
    assert rate(rating=-1, comment="Say how long a fitting takes") == 200
    with Session(engine) as session:
        rows = session.exec(select(Feedback).where(Feedback.message_id == reply["id"])).all()
    assert [(f.rating, f.comment) for f in rows] == [(-1, "Say how long a fitting takes")]
    ratings = {m["id"]: m["rating"] for m in visit.history()}
    assert ratings[reply["id"]] == -1
    assert [r for mid, r in ratings.items() if mid != reply["id"]] == [None]
