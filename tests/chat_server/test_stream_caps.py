"""Open event streams are capped per address and per conversation, across processes through
Redis; reads (history, suggestions, language choices, stream opens) are rate-limited per address."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest

from chat_server import stream_caps
from chat_server.errors import ApiError
from chat_server.stream_caps import Cap, StreamCaps
from core.settings import Settings
from tests.chat_server.test_ratelimit import PrivateRedis
from tests.conftest import LiveServer, make_app

REDIS = "redis://127.0.0.1:6379/0"


def address_cap(limit: int) -> Cap:
    return Cap(f"ip:test-{uuid.uuid4().hex}", limit, "Too many open streams from this address")


async def test_streams_of_two_processes_count_together_through_redis() -> None:
    cap = address_cap(2)
    first, second = StreamCaps(REDIS), StreamCaps(REDIS)  # two chat-server processes
    try:
        opened = await first.open([cap])
        await second.open([cap])
        with pytest.raises(ApiError) as refused:
            await first.open([cap])
        assert refused.value.status == 429
        assert refused.value.error == "Too many open streams from this address"
        assert refused.value.headers == {"Retry-After": "10"}
        await first.close(opened)
        await second.open([cap])  # the closed stream's place is free again, in any process
    finally:
        await first.close_all()
        await second.close_all()


async def test_a_full_conversation_refuses_even_when_the_address_has_room() -> None:
    caps = StreamCaps(REDIS)
    conversation = Cap(f"conversation:{uuid.uuid4().hex}", 1, "Too many open streams for this")
    try:
        await caps.open([conversation, address_cap(10)])
        with pytest.raises(ApiError, match="Too many open streams for this"):
            await caps.open([conversation, address_cap(10)])
    finally:
        await caps.close_all()


async def test_the_streams_of_a_killed_process_stop_counting() -> None:
    cap = address_cap(1)
    killed = StreamCaps(REDIS, stale_seconds=1.0)
    await killed.open([cap])
    await killed._redis.aclose()  # type: ignore[union-attr]  # gone without closing its streams
    survivor = StreamCaps(REDIS, stale_seconds=1.0)
    try:
        with pytest.raises(ApiError):
            await survivor.open([cap])
        deadline = time.monotonic() + 60
        while True:  # the dead process no longer vouches for its stream: it goes stale
            try:
                await survivor.open([cap])
                break
            except ApiError:
                assert time.monotonic() < deadline, "a dead process's stream kept counting"
                await asyncio.sleep(0.2)
    finally:
        await survivor.close_all()


async def test_a_live_process_keeps_its_streams_counted() -> None:
    cap = address_cap(1)
    holder = StreamCaps(REDIS, stale_seconds=1.0)
    other = StreamCaps(REDIS, stale_seconds=1.0)
    keeper = asyncio.create_task(holder.keep_fresh(every=0.2))
    try:
        await holder.open([cap])
        for _ in range(10):  # well past stale_seconds, refreshed meanwhile
            await asyncio.sleep(0.3)
            with pytest.raises(ApiError):
                await other.open([cap])
    finally:
        keeper.cancel()
        await holder.close_all()
        await other.close_all()


async def test_without_redis_each_process_counts_its_own() -> None:
    cap = address_cap(1)
    first, second = StreamCaps(None), StreamCaps(None)
    opened = await first.open([cap])
    await second.open([cap])
    with pytest.raises(ApiError):
        await first.open([cap])
    await first.close(opened)
    await first.open([cap])


async def test_a_redis_restart_degrades_to_per_process_caps_and_recovers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream_caps, "RETRY_SECONDS", 0.0)  # try Redis again every time
    server = PrivateRedis()
    server.start()
    cap = address_cap(1)
    first, second = StreamCaps(server.url), StreamCaps(server.url)
    try:
        server.stop()
        # Redis down: streams still open, each process counting its own.
        await first.open([cap])
        await second.open([cap])
        with pytest.raises(ApiError):
            await first.open([cap])
        server.start()
        # Redis back: the streams opened meanwhile are counted there once they are vouched for.
        await first.refresh()
        with pytest.raises(ApiError):
            await second.open([cap])
    finally:
        await first.close_all()
        await second.close_all()
        server.stop()


def _start(server: LiveServer) -> tuple[str, dict[str, str]]:
    data = httpx.post(f"{server.url}/api/conversations", json={}).json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['visitor_token']}"}


def _open_streams(server: LiveServer) -> int:
    return int(httpx.get(f"{server.url}/api/health").json()["open_streams"])


@pytest.mark.slow
def test_one_address_cannot_hold_unlimited_streams_or_reads(
    engine: object, settings: Settings
) -> None:
    app = make_app(settings, MAX_STREAMS_PER_IP=2, READ_RATE_LIMIT="6/minute")
    with LiveServer(app) as server, httpx.Client(timeout=10) as client:
        visits = [_start(server) for _ in range(3)]
        urls = [f"{server.url}/api/conversations/{cid}/events" for cid, _ in visits]
        streams = [
            client.stream("GET", url, headers=h) for url, (_, h) in zip(urls, visits, strict=True)
        ]
        first, second = streams[0].__enter__(), streams[1].__enter__()  # reads 1, 2
        try:
            assert first.status_code == second.status_code == 200
            third = httpx.get(urls[2], headers=visits[2][1], timeout=10)  # read 3
            assert third.status_code == 429
            assert third.json()["error"] == "Too many open streams from this address (at most 2)"

            streams[0].__exit__(None, None, None)  # the visitor closes a tab
            deadline = time.monotonic() + 60
            while _open_streams(server) > 1:
                assert time.monotonic() < deadline, "a closed stream kept its place"
                time.sleep(0.05)
            third = streams[2].__enter__()  # read 4
            assert third.status_code == 200
        finally:
            for s in streams:
                s.__exit__(None, None, None)

        cid, headers = visits[0]
        history = client.get(f"{server.url}/api/conversations/{cid}/messages", headers=headers)
        suggestions = client.get(f"{server.url}/api/suggestions", params={"q": "open"})
        assert [history.status_code, suggestions.status_code] == [200, 200]  # reads 5, 6
        patch = client.patch(
            f"{server.url}/api/conversations/{cid}", json={"language": "fr"}, headers=headers
        )
        assert patch.status_code == 429
        assert patch.json()["error"].startswith("Too many requests, please wait")
        assert int(patch.headers["Retry-After"]) > 0
        # Sending a message is counted apart: a visitor who reads a lot can still write.
        sent = client.post(
            f"{server.url}/api/conversations/{cid}/messages", json={"text": "hi"}, headers=headers
        )
        assert sent.status_code == 201
