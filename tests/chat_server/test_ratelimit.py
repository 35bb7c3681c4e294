"""Abuse protection: per-IP message limits, in memory and in Redis."""

from __future__ import annotations

import subprocess
import time
import uuid

import pytest
import redis
from starlette.testclient import TestClient

from chat_server import ratelimit
from chat_server.errors import ApiError
from chat_server.ratelimit import RateLimiter
from core.settings import Settings
from tests.conftest import Visit, free_port, make_app

pytestmark = pytest.mark.slow


def test_over_the_limit_is_429_with_retry_after(engine: object, settings: Settings) -> None:
    app = make_app(settings, RATE_LIMIT="3/minute")
    with TestClient(app) as client:
        visit = Visit(client)
        for i in range(3):
            visit.say(f"question {i}")
        response = client.post(
            f"/api/conversations/{visit.cid}/messages",
            json={"text": "one more"},
            headers=visit.headers,
        )
        assert response.status_code == 429
        wait = int(response.headers["Retry-After"])
        assert 1 <= wait <= 60
        assert response.json()["error"] == f"Too many messages, please wait {wait} seconds"
        assert len(visit.history()) == 6  # the refused message was not stored half-way


def test_batch_counts_each_message(engine: object, settings: Settings) -> None:
    app = make_app(settings, RATE_LIMIT="4/minute")
    with TestClient(app) as client:
        visit = Visit(client)
        visit.say("first")
        visit.say("second")
        url = f"/api/conversations/{visit.cid}/messages/batch"
        three = {"messages": [{"text": f"q{i}"} for i in range(3)]}
        assert client.post(url, json=three, headers=visit.headers).status_code == 429
        two = {"messages": [{"text": f"q{i}"} for i in range(2)]}
        assert client.post(url, json=two, headers=visit.headers).status_code == 201


def test_batch_larger_than_the_whole_limit_is_413_not_an_endless_wait(
    engine: object, settings: Settings
) -> None:
    app = make_app(settings, RATE_LIMIT="4/minute")
    with TestClient(app) as client:
        visit = Visit(client)
        url = f"/api/conversations/{visit.cid}/messages/batch"
        body = {"messages": [{"text": f"q{i}"} for i in range(5)]}
        response = client.post(url, json=body, headers=visit.headers)
        assert response.status_code == 413
        assert response.json()["error"] == "At most 4 messages fit in one request"


async def test_limits_are_shared_through_redis() -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379 on these machines")
    ip = f"test-{uuid.uuid4().hex}"
    # Two limiter objects stand for two chat server processes.
    first = RateLimiter("2/minute", "redis://127.0.0.1:6379/0")
    second = RateLimiter("2/minute", "redis://127.0.0.1:6379/0")
    try:
        await first.check("messages", ip)
        await second.check("messages", ip)
        with pytest.raises(ApiError) as refused:
            await first.check("messages", ip)
        assert refused.value.status == 429 and refused.value.headers is not None
    finally:
        await first.close()
        await second.close()
        client.close()


def test_bad_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="60/minute"):
        RateLimiter("sixty per minute")


def _messages_from(client: TestClient, visit: Visit, addresses: list[str]) -> list[int]:
    return [
        client.post(
            f"/api/conversations/{visit.cid}/messages",
            json={"text": f"question {n}"},
            headers={**visit.headers, "X-Forwarded-For": address},
        ).status_code
        for n, address in enumerate(addresses)
    ]


def test_a_visitor_cannot_dodge_the_limit_with_a_forwarded_address(
    engine: object, settings: Settings
) -> None:
    spoofed = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    with TestClient(make_app(settings, RATE_LIMIT="2/minute")) as client:
        assert _messages_from(client, Visit(client), spoofed) == [201, 201, 429]
    # Behind a trusted proxy (the test client here), each forwarded visitor has their own count.
    trusting = make_app(settings, RATE_LIMIT="2/minute", TRUSTED_PROXIES=["testclient"])
    with TestClient(trusting) as client:
        assert _messages_from(client, Visit(client), spoofed) == [201, 201, 201]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=30)


async def test_a_redis_restart_degrades_to_per_process_limits_and_recovers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "RETRY_SECONDS", 0.0)  # try Redis again at every request
    server = PrivateRedis()
    server.start()
    first = RateLimiter("2/minute", server.url)
    second = RateLimiter("2/minute", server.url)  # another chat-server process
    try:
        await first.check("messages", "a")
        server.stop()
        # Redis is gone: each process counts on its own, and nobody gets an error meanwhile.
        await first.check("messages", "b")
        await first.check("messages", "b")
        with pytest.raises(ApiError) as refused:
            await first.check("messages", "b")
        assert refused.value.status == 429
        await second.check("messages", "b")  # its own count: the limit is per process now

        server.start()  # back, empty: the processes share one count again
        await first.check("messages", "c")
        await second.check("messages", "c")
        with pytest.raises(ApiError) as shared:
            await first.check("messages", "c")
        assert shared.value.status == 429
    finally:
        await first.close()
        await second.close()
        if server.proc is not None and server.proc.poll() is None:
            server.stop()
