"""Input built to break the server gets a clear 4xx (or is ignored where the protocol says so),
never a 500, and stores nothing: each case is one an outside probe found answered with a 500."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from tests.chat_server.test_events import send_later, sse_events, start
from tests.conftest import LiveServer, Visit

BEYOND_64_BITS = 2**70


def test_json_nested_a_thousand_deep_is_refused(visit: Visit) -> None:
    body = '{"text": ' + "[" * 1000 + "]" * 1000 + "}"
    response = visit.client.post(
        f"/api/conversations/{visit.cid}/messages",
        content=body,
        headers={**visit.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested" in response.json()["error"]
    assert visit.history() == []


def test_a_number_with_thousands_of_digits_is_refused(visit: Visit) -> None:
    body = '{"text": "hi", "client_id": "a", "rating": ' + "9" * 5000 + "}"
    response = visit.client.post(
        f"/api/conversations/{visit.cid}/messages",
        content=body,
        headers={**visit.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "digits" in response.json()["error"]
    assert visit.history() == []


def test_a_message_id_beyond_64_bits_is_refused(visit: Visit) -> None:
    response = visit.client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": 1, "message_id": BEYOND_64_BITS},
        headers=visit.headers,
    )
    assert response.status_code == 422
    assert "message_id" in response.json()["error"]


@pytest.mark.parametrize(
    "resume", [str(BEYOND_64_BITS), "١٢٣", f"1.{BEYOND_64_BITS}", "٣.١", "999999999999"]
)
def test_an_impossible_last_event_id_streams_as_without_one(
    live_server: LiveServer, resume: str
) -> None:
    """An id this server never sent (too large, not ASCII digits, past the last message) opens
    the stream as a first connection does: the next message arrives. Refusing it would make the
    browser reconnect with the same id forever; trusting it would skip every message."""
    cid, headers = start(live_server)
    send_later(live_server, cid, headers, "hi")
    with httpx.stream(
        "GET",
        f"{live_server.url}/api/conversations/{cid}/events",
        headers={**headers, "Last-Event-ID": resume.encode()},
        timeout=30,
    ) as response:
        assert response.status_code == 200
        first = next(e for e in sse_events(response) if e["event"] == "message")
    assert first["data"]["text"] == "hi"  # type: ignore[index]


@pytest.mark.parametrize(
    "field, value",
    [("page_url", "https://shop.example/a\x00b"), ("browser_language", "en\x00")],
)
def test_a_nul_byte_in_a_new_conversation_is_refused(
    client: TestClient, field: str, value: str
) -> None:
    response = client.post("/api/conversations", json={field: value})
    assert response.status_code == 422
    assert field in response.json()["error"]


def test_a_nul_byte_in_a_message_is_refused(visit: Visit) -> None:
    for body in ({"text": "hi", "client_id": "a\x00"}, {"text": "hi\x00there"}):
        response = visit.client.post(
            f"/api/conversations/{visit.cid}/messages", json=body, headers=visit.headers
        )
        assert response.status_code == 422, body
    assert visit.history() == []


def test_a_nul_byte_in_a_conversation_id_is_not_found(visit: Visit) -> None:
    response = visit.client.get(
        f"/api/conversations/{visit.cid}%00/messages", headers=visit.headers
    )
    assert response.status_code == 404
