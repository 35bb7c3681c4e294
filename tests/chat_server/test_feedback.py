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


@pytest.mark.parametrize("rating", [0, 2, -2, True, "1"])
def test_a_rating_other_than_plus_or_minus_one_is_refused_as_the_document_says(
    client: TestClient, visit: Visit, rating: object
) -> None:
    doc = client.get("/api/openapi.json").json()
    assert doc["components"]["schemas"]["FeedbackIn"]["properties"]["rating"]["enum"] == [1, -1]
    response = client.post(
        f"/api/conversations/{visit.cid}/feedback", json={"rating": rating}, headers=visit.headers
    )
    assert response.status_code == 422
    assert "rating" in response.json()["error"]


def test_a_whole_number_written_with_a_decimal_point_is_that_number(
    client: TestClient, visit: Visit
) -> None:
    """JSON has one kind of number (JSON Schema's "integer" includes 1.0): the schema-valid
    {"rating": 1.0} was refused."""
    reply = visit.say("do you do bike fittings")["reply"]
    response = client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": -1.0, "message_id": float(reply["id"])},  # type: ignore[index]
        headers=visit.headers,
    )
    assert response.status_code == 201, response.text
    assert visit.history()[-1]["rating"] == -1
