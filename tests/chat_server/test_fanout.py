"""Messages another process writes (an agent in the admin) reach an open stream because they
are announced (Redis pub/sub, or PostgreSQL LISTEN/NOTIFY), not because the stream polls: the
servers here poll once an hour."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from chat_server.streams import Hub
from core import live
from core.crud import handover
from core.crud import messages as msg_crud
from core.db import session_scope
from core.settings import Settings
from tests.chat_server.test_events import send_later, sse_events, start
from tests.conftest import LiveServer, make_app

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"
BOUND_SECONDS = 20.0  # generous, and below the resync every fanout.RESYNC_SECONDS (30 s)


def test_an_announcement_carries_ids_only_and_junk_is_ignored() -> None:
    assert live.parse(live.payload(12, 345)) == (12, 345)
    assert live.parse(b"12 345") == (12, 345)
    for junk in ("", "12", "12 x", "x 12", "١٢ 3", "12 3 4"):
        assert live.parse(junk) is None


def _events(server: LiveServer, cid: str, headers: dict[str, str]) -> queue.Queue[dict]:
    """The stream's events as they arrive, read by a thread."""
    found: queue.Queue[dict] = queue.Queue()

    def read() -> None:
        url = f"{server.url}/api/conversations/{cid}/events"
        with httpx.stream("GET", url, headers=headers, timeout=120) as response:
            for event in sse_events(response):
                found.put(event)

    threading.Thread(target=read, daemon=True).start()
    return found


def _next_message(found: queue.Queue[dict], role: str) -> dict:
    deadline = time.monotonic() + BOUND_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = found.get(timeout=left)
        except queue.Empty:
            break
        if event["event"] == "message" and event["data"]["role"] == role:
            return dict(event["data"])
    raise AssertionError(f"no {role} message on the stream within {BOUND_SECONDS} s")


@pytest.fixture(params=["redis", "postgresql"])
def server(
    request: pytest.FixtureRequest,
    engine: Engine,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[LiveServer]:
    """A chat server that polls once an hour and hears announcements one way."""
    redis_url = None
    if request.param == "redis":
        redis_url = REDIS_URL
        monkeypatch.setattr(settings, "REDIS_URL", REDIS_URL)  # the writers announce there too
    elif engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY runs on PostgreSQL (TEST_DATABASE_URL)")
    app = make_app(settings, STREAM_POLL_SECONDS=3600.0, REDIS_URL=redis_url)
    with LiveServer(app) as running:
        hub: Hub = app.state.chat.hub
        deadline = time.monotonic() + BOUND_SECONDS
        while not hub.live:
            assert time.monotonic() < deadline, "the server never started hearing announcements"
            time.sleep(0.05)
        yield running


def test_an_agent_reply_written_elsewhere_reaches_the_open_stream_at_once(
    server: LiveServer,
) -> None:
    cid, headers = start(server)
    found = _events(server, cid, headers)
    # The visitor asks through this server: once the answer is on the stream, the stream is
    # waiting for what comes next.
    send_later(server, cid, headers, "what are your opening hours?")
    _next_message(found, "bot")

    with session_scope() as session:  # as the admin does, in another process
        handover.take_over(session=session, public_id=cid, agent_name="Ada")
        handover.agent_reply(session=session, public_id=cid, agent_name="Ada", text="Ada here.")

    assert _next_message(found, "agent")["text"] == "Ada here."


async def test_a_lost_announcement_is_made_up_by_the_resync(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis may drop a publish: once every RESYNC_SECONDS the process reads the newest message
    of every conversation with a stream open here, and wakes the streams behind it."""
    from chat_server import fanout
    from chat_server.streams import Stored
    from tests.factories import make_conversation

    with session_scope(engine) as session:
        conversation = make_conversation(session, ("visitor", "hello"), ("agent", "hi there"))
        cid = conversation.id
    assert cid is not None
    monkeypatch.setattr(fanout, "RESYNC_SECONDS", 0.05)
    hub = Hub()
    queue = hub.subscribe(cid)
    hub.set_live(True)
    queue.get_nowait()  # going live wakes every stream once
    task = asyncio.create_task(fanout.resync(hub, engine))
    try:
        item = await asyncio.wait_for(queue.get(), BOUND_SECONDS)
    finally:
        task.cancel()
    with session_scope(engine) as session:
        newest = msg_crud.last_ids(session=session, conversation_ids=[cid])[cid]
    assert item == Stored(last_id=newest)
