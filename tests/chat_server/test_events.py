"""The live stream over a real socket: token-by-token answers, disconnects and resumption."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


def sse_events(response: httpx.Response) -> Iterator[dict[str, object]]:
    event: dict[str, object] = {}
    for line in response.iter_lines():
        if line == "":
            if "data" in event:
                yield event
            event = {}
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            event[field] = json.loads(value) if field == "data" else value


def start(server: LiveServer) -> tuple[str, dict[str, str]]:
    data = httpx.post(f"{server.url}/api/conversations", json={}).json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['visitor_token']}"}


def send_later(server: LiveServer, cid: str, headers: dict[str, str], text: str) -> None:
    def send() -> None:
        time.sleep(0.3)
        httpx.post(
            f"{server.url}/api/conversations/{cid}/messages", json={"text": text}, headers=headers
        )

    threading.Thread(target=send, daemon=True).start()


def open_streams(server: LiveServer) -> int:
    return int(httpx.get(f"{server.url}/api/health").json()["open_streams"])


def test_answer_streams_token_by_token_and_resumes_after_a_disconnect(
    live_server: LiveServer,
) -> None:
    cid, headers = start(live_server)
    url = f"{live_server.url}/api/conversations/{cid}/events"
    seen: list[dict[str, object]] = []

    # First connection: read the visitor message and three tokens of the answer, then drop.
    send_later(live_server, cid, headers, "how long does a repair usually take")
    with httpx.stream("GET", url, headers=headers, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for event in sse_events(response):
            seen.append(event)
            if sum(e["event"] == "token" for e in seen) == 3:
                break
    deadline = time.monotonic() + 60
    while open_streams(live_server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_streams(live_server) == 0, "the server kept streaming to a client that left"

    # While away, the visitor (another tab) asks something else.
    second = httpx.post(
        f"{live_server.url}/api/conversations/{cid}/messages",
        json={"text": "do you have kids bikes"},
        headers=headers,
    ).json()

    # Reconnect as EventSource does, with the last event id.
    resumed: list[dict[str, object]] = []
    with httpx.stream(
        "GET", url, headers={**headers, "Last-Event-ID": str(seen[-1]["id"])}, timeout=10
    ) as response:
        for event in sse_events(response):
            resumed.append(event)
            if event["event"] == "message" and event["data"]["id"] == second["reply"]["id"]:  # type: ignore[index]
                break

    events = seen + resumed
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids)), "an event arrived twice"
    history = httpx.get(
        f"{live_server.url}/api/conversations/{cid}/messages", headers=headers
    ).json()
    first_answer = history["messages"][1]
    tokens = [
        e["data"]
        for e in events
        if e["event"] == "token" and e["data"]["message_id"] == first_answer["id"]
    ]  # type: ignore[index]
    assert [t["index"] for t in tokens] == list(range(len(tokens)))  # type: ignore[index]
    assert "".join(t["text"] for t in tokens) == first_answer["text"]  # type: ignore[index]
    whole = [e["data"]["id"] for e in events if e["event"] == "message"]  # type: ignore[index]
    assert whole == [m["id"] for m in history["messages"]]


def test_stream_starts_after_history_with_after_parameter(live_server: LiveServer) -> None:
    cid, headers = start(live_server)
    first = httpx.post(
        f"{live_server.url}/api/conversations/{cid}/messages",
        json={"text": "hello"},
        headers=headers,
    ).json()
    send_later(live_server, cid, headers, "what payment methods do you take")
    token = headers["Authorization"].split()[1]
    url = f"{live_server.url}/api/conversations/{cid}/events?token={token}&after={first['reply']['id']}"
    with httpx.stream("GET", url, timeout=10) as response:
        for event in sse_events(response):
            # Nothing from before the resume point comes again.
            assert int(str(event["id"]).split(".")[0]) > first["reply"]["id"]
            if event["event"] == "message" and event["data"]["role"] == "bot":  # type: ignore[index]
                assert "card" in event["data"]["text"].lower()  # type: ignore[index]
                break


def test_a_long_backlog_arrives_complete_and_in_order(live_server: LiveServer) -> None:
    from core.crud import conversations as conv_crud
    from core.crud import messages as msg_crud
    from core.db import get_engine, session_scope
    from core.models import MessageCreate

    cid, headers = start(live_server)
    with session_scope(get_engine()) as session:
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        for i in range(450):
            msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(role="agent" if i % 2 else "visitor", text=f"m{i}"),
            )
    send_later(live_server, cid, headers, "thanks, bye")
    ids: list[int] = []
    with httpx.stream(
        "GET",
        f"{live_server.url}/api/conversations/{cid}/events?after=0",
        headers=headers,
        timeout=10,
    ) as response:
        for event in sse_events(response):
            if event["event"] == "message":
                ids.append(event["data"]["id"])  # type: ignore[index]
                if event["data"]["role"] == "bot":  # type: ignore[index]
                    break
    assert len(ids) == 452
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_one_conversation_cannot_hold_unlimited_streams(live_server: LiveServer) -> None:
    cid, headers = start(live_server)
    url = f"{live_server.url}/api/conversations/{cid}/events"
    with httpx.Client(timeout=10) as client:
        streams = [client.stream("GET", url, headers=headers) for _ in range(5)]
        opened = [s.__enter__() for s in streams]
        try:
            assert all(r.status_code == 200 for r in opened)
            deadline = time.monotonic() + 60
            while open_streams(live_server) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            sixth = httpx.get(url, headers=headers, timeout=5)
            assert sixth.status_code == 429
        finally:
            for s in streams:
                s.__exit__(None, None, None)
