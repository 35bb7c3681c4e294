"""Slow or half-sent requests time out; a slow reader of a long stream does not."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from chat_server.request_timeouts import TimedHttpToolsProtocol
from core.settings import Settings
from tests.conftest import LiveServer, make_app

pytestmark = pytest.mark.slow
TIMEOUT = 1.0


class QuickProtocol(TimedHttpToolsProtocol):
    timeout = TIMEOUT  # type: ignore[assignment]


def connect(server: LiveServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=60)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by the socket's
    60 s timeout: a server that never closes fails the test)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


@pytest.fixture(scope="module")
def server(engine: object, settings: Settings) -> Iterator[LiveServer]:
    app = make_app(settings, REQUEST_TIMEOUT_SECONDS=TIMEOUT)
    with LiveServer(app, http=QuickProtocol) as live:
        yield live


def test_a_connection_that_sends_nothing_is_closed(server: LiveServer) -> None:
    with connect(server) as sock:
        assert read_until_closed(sock) == b""


def test_headers_sent_a_line_at_a_time_are_cut_off(server: LiveServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end
        assert read_until_closed(sock) == b""


def test_a_half_sent_body_is_answered_408_and_nothing_is_stored(server: LiveServer) -> None:
    data = httpx.post(f"{server.url}/api/conversations", json={}).json()
    cid, token = data["conversation_id"], data["visitor_token"]
    body = b'{"text": "my bike is broken, can you fix it today?"}'
    with connect(server) as sock:
        sock.sendall(
            f"POST /api/conversations/{cid}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:20]
        )
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b'"The request body did not arrive within 1 seconds"' in answer
    history = httpx.get(
        f"{server.url}/api/conversations/{cid}/messages",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert history.json()["messages"] == []


def test_a_request_within_the_time_is_served_and_a_stream_outlives_it(
    server: LiveServer,
) -> None:
    data = httpx.post(f"{server.url}/api/conversations", json={}).json()
    cid, headers = data["conversation_id"], {"Authorization": f"Bearer {data['visitor_token']}"}
    url = f"{server.url}/api/conversations/{cid}/events"
    with httpx.stream("GET", url, headers=headers, timeout=60) as stream:
        assert stream.status_code == 200
        time.sleep(3 * TIMEOUT)  # an event stream is open far longer than one request may take
        sent = httpx.post(
            f"{server.url}/api/conversations/{cid}/messages", json={"text": "hi"}, headers=headers
        )
        assert sent.status_code == 201
        for line in stream.iter_lines():
            if line.startswith("data:") and '"hi"' in line:
                break
