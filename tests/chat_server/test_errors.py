"""Bad input gets a clear error and loses nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import Visit

pytestmark = pytest.mark.slow


def post(client: TestClient, visit: Visit, body: object, raw: bytes | None = None):  # type: ignore[no-untyped-def]
    url = f"/api/conversations/{visit.cid}/messages"
    if raw is not None:
        return client.post(
            url, content=raw, headers={**visit.headers, "Content-Type": "application/json"}
        )
    return client.post(url, json=body, headers=visit.headers)


def test_malformed_json_is_400(client: TestClient, visit: Visit) -> None:
    response = post(client, visit, None, raw=b'{"text": "hi"')
    assert response.status_code == 400
    assert response.json()["error"] == "Request body is not valid JSON"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": 42}, "text"),
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "hi", "x": 1}, "x"),
    ],
)
def test_wrong_types_are_422_naming_the_field(
    client: TestClient, visit: Visit, body: object, field: str
) -> None:
    response = post(client, visit, body)
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"Invalid {field}")
    assert response.json()["details"][0]["field"] == field


def test_too_long_message_is_413_and_nothing_is_stored(client: TestClient, visit: Visit) -> None:
    response = post(client, visit, {"text": "a" * 2001})
    assert response.status_code == 413
    assert "2000 characters" in response.json()["error"]
    huge = post(client, visit, None, raw=b'{"text": "' + b"a" * 70000 + b'"}')
    assert huge.status_code == 413
    assert visit.history() == []


def test_unknown_conversation_is_404(client: TestClient, visit: Visit) -> None:
    response = client.get("/api/conversations/" + "0" * 32 + "/messages", headers=visit.headers)
    assert response.status_code == 404
    assert response.json() == {"error": "Conversation not found"}


def test_token_reads_only_its_own_conversations(client: TestClient) -> None:
    alice, mallory = Visit(client), Visit(client)
    alice.say("hello")
    url = f"/api/conversations/{alice.cid}/messages"
    assert client.get(url, headers=mallory.headers).status_code == 403
    assert client.post(url, json={"text": "hi"}, headers=mallory.headers).status_code == 403
    assert client.get(url).status_code == 401
    # Change a character inside the signature (the last one carries padding bits, and the one
    # before may already be the replacement).
    i = len(alice.token) - 4
    swapped = "A" if alice.token[i] != "A" else "B"
    forged = {"Authorization": "Bearer " + alice.token[:i] + swapped + alice.token[i + 1 :]}
    assert client.get(url, headers=forged).status_code == 401
    events = f"/api/conversations/{alice.cid}/events?token={mallory.token}"
    assert client.get(events).status_code == 403


def test_batch_over_the_size_limit_is_413(client: TestClient, visit: Visit) -> None:
    body = {"messages": [{"text": f"hi {i}"} for i in range(21)]}
    url = f"/api/conversations/{visit.cid}/messages/batch"
    assert client.post(url, json=body, headers=visit.headers).status_code == 413
    assert client.post(url, json={"messages": []}, headers=visit.headers).status_code == 422


def test_cors_allows_only_configured_origins(client: TestClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    ok = client.options(
        "/api/conversations", headers={"Origin": "http://localhost:8080", **preflight}
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "http://localhost:8080"
    bad = client.options(
        "/api/conversations", headers={"Origin": "https://evil.example", **preflight}
    )
    assert bad.status_code == 400
    assert "access-control-allow-origin" not in bad.headers
    simple = client.get("/api/config", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_text_that_is_not_valid_unicode_is_422(client: TestClient, visit: Visit) -> None:
    response = post(client, visit, None, raw=b'{"text": "hi \\ud800"}')
    assert response.status_code == 422
    assert "not valid Unicode" in response.json()["error"]


def test_posting_to_an_unknown_conversation_is_404(client: TestClient, visit: Visit) -> None:
    url = "/api/conversations/" + "f" * 32 + "/messages"
    response = client.post(url, json={"text": "hello"}, headers=visit.headers)
    assert response.status_code == 404
