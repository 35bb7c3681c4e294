"""An agent in the admin takes a conversation over: the bot goes quiet and the agent's words
reach the visitor's open stream, though another process wrote them to the database."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from core.crud import handover
from core.db import get_engine, session_scope
from tests.chat_server.test_events import sse_events, start
from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


def test_agent_takes_over_and_the_visitor_sees_the_agent_not_the_bot(
    live_server: LiveServer,
) -> None:
    cid, headers = start(live_server)
    messages_url = f"{live_server.url}/api/conversations/{cid}/messages"
    first = httpx.post(messages_url, json={"text": "can I talk to a person?"}, headers=headers)
    answer = first.json()["reply"]
    assert answer is not None  # the bot answers until an agent takes over

    def admin() -> None:
        time.sleep(0.3)  # most likely once the stream is open; `after` covers it if not
        with session_scope(get_engine()) as session:
            handover.take_over(session=session, public_id=cid, agent_name="Ada")
            handover.agent_reply(
                session=session, public_id=cid, agent_name="Ada", text="Hi, Ada here."
            )

    threading.Thread(target=admin, daemon=True).start()
    seen: list[dict[str, object]] = []
    events_url = f"{live_server.url}/api/conversations/{cid}/events?after={answer['id']}"
    # A generous bound: on SQLite the stream finds other processes' messages by polling the
    # database every STREAM_POLL_SECONDS (test_fanout.py: announced, elsewhere);
    # benchmarks/admin_latency.py measures how soon.
    with httpx.stream("GET", events_url, headers=headers, timeout=60) as response:
        for event in sse_events(response):
            seen.append(event["data"])  # type: ignore[arg-type]
            if event["event"] == "message" and event["data"]["role"] == "agent":  # type: ignore[index]
                break
    assert [(m["role"], m["text"]) for m in seen] == [
        ("system", "An agent has joined the conversation."),
        ("agent", "Hi, Ada here."),
    ]

    second = httpx.post(messages_url, json={"text": "great, thanks!"}, headers=headers).json()
    assert second["reply"] is None  # the bot stays quiet while the agent is there
    history = httpx.get(messages_url, headers=headers).json()
    assert history["status"] == "human"
    assert [m["role"] for m in history["messages"]] == [
        "visitor",
        "bot",
        "system",
        "agent",
        "visitor",
    ]
    assert history["messages"][3]["text"] == "Hi, Ada here."
