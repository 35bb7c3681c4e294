"""POST /api/events: the widget's clicks and the business page's tracked steps are stored as
sent, and anything wrong gets a clear 4xx with nothing stored, not even the good items."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from chat_server.ratelimit import RateLimiter
from core.models import AnalyticsEvent, Business, Conversation, WidgetClick
from tests.conftest import Visit

pytestmark = pytest.mark.slow


def _key() -> str:
    return uuid.uuid4().hex


def _click(**overrides: object) -> dict[str, object]:
    click: dict[str, object] = {
        "element": "launcher",
        "x": 0.5,
        "y": 0.25,
        "panel_x": 0.5,
        "panel_y": 0.25,
        "panel": "closed",
        "width_class": "wide",
        "rage": False,
        "dead": False,
        "at": 1000,
    }
    return click | overrides


def _stored(engine: Engine, key: str) -> tuple[list[WidgetClick], list[AnalyticsEvent]]:
    with Session(engine) as session:
        clicks = session.exec(
            select(WidgetClick).where(WidgetClick.visitor_key == key).order_by(col(WidgetClick.id))
        ).all()
        events = session.exec(
            select(AnalyticsEvent)
            .where(AnalyticsEvent.visitor_key == key)
            .order_by(col(AnalyticsEvent.id))
        ).all()
    return list(clicks), list(events)


def _post(client: TestClient, body: object, **kwargs: Any) -> Any:
    return client.post("/api/events", content=json.dumps(body), **kwargs)


def test_a_good_batch_stores_each_click_and_step_as_sent(
    client: TestClient, engine: Engine
) -> None:
    key = _key()
    body = {
        "visitor_key": key,
        "sent_at": 10_000,
        "clicks": [
            _click(element="send", panel="chat", width_class="narrow", x=1, y=0, at=9_000),
            _click(element="none", dead=True, panel="contact", panel_x=0.1, panel_y=0.9, at=2_000),
        ],
        "tracked": [
            {"name": "product_viewed", "properties": {"product": "city-bike", "in_stock": True}},
            {"name": "purchase", "value": 179, "currency": "USD", "properties": {"items": 2}},
        ],
    }
    response = _post(client, body, headers={"Content-Type": "text/plain;charset=UTF-8"})
    assert response.status_code == 201, response.text
    assert response.json() == {"clicks": 2, "tracked": 2, "conversation_attached": False}

    clicks, events = _stored(engine, key)
    # In the order the visitor clicked (by `at`), dated by their age when the batch left.
    assert [(c.element, c.panel, c.width_class, c.dead) for c in clicks] == [
        ("none", "contact", "wide", True),
        ("send", "chat", "narrow", False),
    ]
    assert (clicks[0].panel_x, clicks[0].panel_y, clicks[1].x, clicks[1].y) == (0.1, 0.9, 1, 0)
    assert 6.9 < (clicks[1].created_at - clicks[0].created_at).total_seconds() < 7.1
    assert [(e.name, e.label, e.value, e.currency) for e in events] == [
        ("tracked", "product_viewed", None, None),
        ("tracked", "purchase", 179.0, "USD"),
    ]
    assert events[0].private_properties == {"product": "city-bike", "in_stock": True}
    assert "testclient" not in json.dumps([e.private_properties for e in events])


def test_a_clock_absurdly_far_ahead_dates_items_a_day_back(
    client: TestClient, engine: Engine
) -> None:
    """A batch sent at 1e308 ms (a broken or hostile clock) was a 500: the age did not fit a
    timedelta. It is stored, each item at most a day old, as for any old item."""
    key = _key()
    body = {
        "visitor_key": key,
        "sent_at": 1e308,
        "clicks": [_click(at=0), _click(element="send", at=1e308)],
    }
    response = _post(client, body)
    assert response.status_code == 201, response.text
    clicks, _ = _stored(engine, key)
    # In the order of `at`: the click of at=0 was a day old, the other one just made.
    assert [c.element for c in clicks] == ["launcher", "send"]
    assert 86_399 < (clicks[1].created_at - clicks[0].created_at).total_seconds() < 86_401


def test_plain_json_is_accepted_and_other_bodies_are_not(
    client: TestClient, engine: Engine
) -> None:
    key = _key()
    assert (
        client.post("/api/events", json={"visitor_key": key, "clicks": [_click()]}).status_code
        == 201
    )
    refused = client.post(
        "/api/events",
        content=json.dumps({"visitor_key": key, "clicks": [_click()]}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refused.status_code == 415
    assert len(_stored(engine, key)[0]) == 1


GOOD_STEP = {"name": "signup"}
BAD = [
    # (what is wrong, clicks, tracked, status, words in the error)
    ("unknown panel", [_click(panel="sidebar")], [GOOD_STEP], 422, "clicks.0.panel"),
    ("malformed element key", [_click(element="div > button")], [], 422, "clicks.0.element"),
    ("malformed step name", [_click()], [{"name": "Purchase Now!"}], 422, "tracked.0.name"),
    ("x of 5", [_click(), _click(x=5)], [], 422, "clicks.1.x"),
    ("negative panel_y", [_click(panel_y=-0.1)], [], 422, "clicks.0.panel_y"),
    ("a string for x", [_click(x="0.5")], [], 422, "clicks.0.x"),
    ("a number for rage", [_click(rage=1)], [], 422, "clicks.0.rage"),
    ("unknown width class", [_click(width_class="huge")], [], 422, "clicks.0.width_class"),
    ("an unknown field", [_click(selector="#send")], [], 422, "clicks.0.selector"),
    ("value without currency", [_click()], [{"name": "purchase", "value": 179}], 422, "currency"),
    ("currency in lower case", [], [{"name": "purchase", "value": 1, "currency": "usd"}], 422, "currency"),
    ("negative value", [], [{"name": "refund", "value": -5, "currency": "USD"}], 422, "value"),
    # Values near the largest double made PostgreSQL's SUM() over them overflow (the dashboards).
    ("absurd value", [], [{"name": "purchase", "value": 1e300, "currency": "USD"}], 422, "value"),
    ("an e-mail key", [_click()], [{"name": "signup", "properties": {"email": "x"}}], 422, "personal"),
    ("a phone key", [], [{"name": "signup", "properties": {"phone_number": "1"}}], 422, "personal"),
    ("a name key", [], [{"name": "signup", "properties": {"customer_name": "Al"}}], 422, "personal"),
    ("a message key", [], [{"name": "signup", "properties": {"message": "hi"}}], 422, "personal"),
    ("an e-mail value", [], [{"name": "signup", "properties": {"plan": "a@b.co"}}], 422, "e-mail"),
    ("a nested property", [], [{"name": "signup", "properties": {"plan": {"a": 1}}}], 422, "plan"),
    ("a long property", [], [{"name": "signup", "properties": {"plan": "x" * 101}}], 422, "longer"),
    ("too many properties", [], [{"name": "s", "properties": {f"p{i}": i for i in range(11)}}], 422, "at most 10"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("problem", "clicks", "tracked", "status", "words"), BAD, ids=[b[0] for b in BAD]
)
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
    client: TestClient,
    engine: Engine,
    problem: str,
    clicks: list[object],
    tracked: list[object],
    status: int,
    words: str,
) -> None:
    key = _key()
    response = _post(client, {"visitor_key": key, "clicks": clicks, "tracked": tracked})
    assert response.status_code == status, (problem, response.text)
    assert words in response.json()["error"], response.json()
    assert _stored(engine, key) == ([], [])


def test_nan_and_infinity_are_refused(client: TestClient, engine: Engine) -> None:
    key = _key()
    for number in (math.nan, math.inf):
        # json.dumps writes NaN / Infinity, which Python's JSON reader accepts.
        response = _post(client, {"visitor_key": key, "clicks": [_click(), _click(y=number)]})
        assert response.status_code == 422, response.text
        assert "clicks.1.y" in response.json()["error"]
    assert _stored(engine, key) == ([], [])


def test_batches_too_long_or_too_heavy_are_refused_whole(
    client: TestClient, engine: Engine
) -> None:
    key = _key()
    body = {"visitor_key": key, "clicks": [_click()] * 60, "tracked": [GOOD_STEP] * 41}
    response = _post(client, body)
    assert response.status_code == 422 and "at most 100" in response.json()["error"]
    too_many = _post(client, {"visitor_key": key, "clicks": [_click()] * 101})
    assert too_many.status_code == 422 and "clicks" in too_many.json()["error"]
    heavy = {"visitor_key": key, "tracked": [{"name": "x", "properties": {"p": "y" * 100}}] * 99}
    heavy["padding"] = "z" * 70_000
    assert _post(client, heavy).status_code == 413
    assert _post(client, {"visitor_key": "not-a-key", "clicks": [_click()]}).status_code == 422
    assert client.post("/api/events", content=b"{not json").status_code == 400
    assert _stored(engine, key) == ([], [])


def test_a_conversation_is_attached_only_with_its_visitors_token(
    client: TestClient, engine: Engine
) -> None:
    mine, theirs = Visit(client), Visit(client)
    key = _key()
    body = {"visitor_key": key, "conversation_id": mine.cid, "clicks": [_click(panel="chat")]}
    with_token = _post(client, body, params={"token": mine.token})
    assert with_token.json()["conversation_attached"] is True
    assert _post(client, body).json()["conversation_attached"] is False
    foreign = _post(client, body, headers=theirs.headers)
    assert foreign.status_code == 201 and foreign.json()["conversation_attached"] is False
    clicks, _ = _stored(engine, key)
    with Session(engine) as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.public_id == mine.cid)
        ).one()
    assert [c.conversation_id for c in clicks] == [conversation.id, None, None]


def test_the_widgets_origin_may_send_and_other_sites_may_not(
    client: TestClient, engine: Engine
) -> None:
    key = _key()
    body = {"visitor_key": key, "tracked": [GOOD_STEP]}
    listed = _post(client, body, headers={"Origin": "http://localhost:8080"})
    assert listed.status_code == 201
    assert listed.headers["access-control-allow-origin"] == "http://localhost:8080"
    stranger = _post(client, body, headers={"Origin": "https://evil.example"})
    assert stranger.status_code == 403 and "not allowed" in stranger.json()["error"]
    assert len(_stored(engine, key)[1]) == 1


@pytest.fixture
def strict_limit(client: TestClient) -> Iterator[None]:
    chat = client.app.state.chat  # type: ignore[attr-defined]
    normal = chat.limiter
    chat.limiter = RateLimiter("3/minute")
    yield
    chat.limiter = normal


def test_a_flood_from_one_address_gets_429(
    client: TestClient, engine: Engine, strict_limit: None
) -> None:
    key = _key()
    body = {"visitor_key": key, "tracked": [GOOD_STEP]}
    assert [_post(client, body).status_code for _ in range(3)] == [201, 201, 201]
    flooded = _post(client, body)
    assert flooded.status_code == 429 and int(flooded.headers["Retry-After"]) >= 1
    assert len(_stored(engine, key)[1]) == 3


@pytest.fixture
def telemetry_off(engine: Engine) -> Iterator[None]:
    with Session(engine) as session:
        business = session.exec(select(Business)).one()
        business.telemetry = "off"
        session.add(business)
        session.commit()
    yield
    with Session(engine) as session:
        business = session.exec(select(Business)).one()
        business.telemetry = "notice"
        session.add(business)
        session.commit()


def test_when_the_owner_switched_telemetry_off_nothing_is_stored(
    client: TestClient, engine: Engine, telemetry_off: None
) -> None:
    key = _key()
    response = _post(client, {"visitor_key": key, "clicks": [_click()], "tracked": [GOOD_STEP]})
    assert response.status_code == 403
    assert "telemetry off" in response.json()["error"]
    assert _stored(engine, key) == ([], [])
    config = client.get("/api/config").json()
    assert config["telemetry"] == "off"


def test_config_tells_the_widget_whether_and_how_much_to_record(client: TestClient) -> None:
    config = client.get("/api/config").json()
    assert config["telemetry"] == "notice"
    assert config["click_sample_rate"] == 1.0
