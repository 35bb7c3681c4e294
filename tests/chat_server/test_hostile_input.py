"""Input built to break the server gets a clear 4xx (or is ignored where the protocol says so),
never a 500, and stores nothing: each case is one an outside probe found answered with a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.models import ContactRequest
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


@pytest.mark.parametrize("message_id", [BEYOND_64_BITS, 2**31])
def test_a_message_id_beyond_the_id_column_is_refused(visit: Visit, message_id: int) -> None:
    """Ids are INTEGER columns, 32 bits on PostgreSQL: 2**31 was a 500 there (the query failed)."""
    response = visit.client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": 1, "message_id": message_id},
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


def test_a_message_posted_as_text_plain_by_another_site_is_refused(visit: Visit) -> None:
    """A page on any site can post text/plain (or a form) without asking CORS first: only
    JSON is read, which a browser sends cross-site only to the sites in CORS_ORIGINS."""
    for kind in ("text/plain;charset=UTF-8", "application/x-www-form-urlencoded"):
        response = visit.client.post(
            f"/api/conversations/{visit.cid}/messages",
            content='{"text": "sent by another site"}',
            headers={**visit.headers, "Content-Type": kind},
        )
        assert response.status_code == 415
        assert "application/json" in response.json()["error"]
    assert visit.history() == []


def test_the_contact_form_refuses_pages_of_sites_not_allowed(
    client: TestClient, engine: Engine
) -> None:
    def stored() -> int:
        with Session(engine) as session:
            return len(session.exec(select(ContactRequest.id)).all())

    form = {"name": "Mallory", "email": "m@example.org", "message": "posted from elsewhere"}
    before = stored()
    as_text = client.post(
        "/api/contact",
        content=httpx.Request("POST", "/", json=form).content,
        headers={"Content-Type": "text/plain"},
    )
    assert as_text.status_code == 415
    elsewhere = client.post("/api/contact", json=form, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    assert "CORS_ORIGINS" in elsewhere.json()["error"]
    assert stored() == before
    # The business's own site (in CORS_ORIGINS) may.
    own = client.post("/api/contact", json=form, headers={"Origin": "http://localhost:8080"})
    assert own.status_code == 201
    assert stored() == before + 1


def _body_schema(client: TestClient, name: str) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()["components"]["schemas"][name]  # type: ignore[no-any-return]


@pytest.mark.parametrize("text", ["\x0b", "\x1c\x1d\x1e\x1f", " \u3000\u2028 ", "\x85\t"])
def test_a_message_of_only_whitespace_or_separators_is_refused_as_the_document_says(
    visit: Visit, text: str
) -> None:
    """A vertical tab or the information separators (U+001C..U+001F) are whitespace to the
    server but not to JSON Schema's \\s: the document spells out which characters are blank."""
    pattern = _body_schema(visit.client, "MessageIn")["properties"]["text"]["pattern"]
    assert re.search(pattern, text) is None
    response = visit.client.post(
        f"/api/conversations/{visit.cid}/messages", json={"text": text}, headers=visit.headers
    )
    assert response.status_code == 422
    assert "empty" in response.json()["error"]
    assert visit.history() == []


def test_whitespace_around_a_message_is_dropped(visit: Visit) -> None:
    pattern = _body_schema(visit.client, "MessageIn")["properties"]["text"]["pattern"]
    assert re.search(pattern, "\x0bhello\x1c")
    assert visit.say("\x0bhello\x1c")["message"]["text"] == "hello"  # type: ignore[index]


def _strings(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, prop in schema.get("properties", {}).items():
        for option in [prop, *prop.get("anyOf", ())]:
            if option.get("type") == "string" and "enum" not in option:
                yield name, option


@pytest.mark.parametrize(
    "body",
    [
        "ConversationIn", "ConversationPatchIn", "MessageIn", "ContactIn", "ExportLinkIn",
        "FeedbackIn", "ClickIn", "TrackedIn", "TelemetryIn",
    ],
)  # fmt: skip
def test_the_document_says_every_text_in_a_request_refuses_nul(
    client: TestClient, body: str
) -> None:
    strings = list(_strings(_body_schema(client, body)))
    assert strings, body
    for name, schema in strings:
        assert "pattern" in schema, f"{body}.{name}"
        assert re.search(schema["pattern"], "a\x00b") is None, f"{body}.{name}"
