"""One subscriber per chat-server process: it hears which conversations got new messages
(announced by `core.live` from any process) and wakes their open streams here.

Redis pub/sub when `REDIS_URL` is set, else PostgreSQL LISTEN when the database is PostgreSQL;
on SQLite without Redis there is nothing to hear and streams poll. When the connection drops,
streams poll until it is back (with a growing pause between attempts, at most a minute)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
import redis.asyncio

from chat_server.streams import Hub, Stored
from core import live
from core.db import normalize_url

log = logging.getLogger(__name__)

MAX_PAUSE_SECONDS = 60.0
Source = Callable[[], contextlib.AbstractAsyncContextManager[AsyncIterator[str | bytes]]]


def _postgres(url: str) -> Source:
    dsn = normalize_url(url).replace("postgresql+psycopg://", "postgresql://", 1)

    @contextlib.asynccontextmanager
    async def heard() -> AsyncIterator[AsyncIterator[str | bytes]]:
        conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
        try:
            await conn.execute(f"LISTEN {live.CHANNEL}")

            async def payloads() -> AsyncIterator[str | bytes]:
                async for note in conn.notifies():
                    yield note.payload

            yield payloads()
        finally:
            await conn.close()

    return heard


def _redis(url: str) -> Source:
    @contextlib.asynccontextmanager
    async def heard() -> AsyncIterator[AsyncIterator[str | bytes]]:
        client: Any = redis.asyncio.Redis.from_url(url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(live.CHANNEL)

            async def payloads() -> AsyncIterator[str | bytes]:
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        yield message["data"]

            yield payloads()
        finally:
            await pubsub.aclose()
            await client.aclose()

    return heard


def source(database_url: str, redis_url: str | None) -> Source | None:
    """Where this process hears announcements; None where streams must poll."""
    if redis_url:
        return _redis(redis_url)
    if normalize_url(database_url).startswith("postgresql"):
        return _postgres(database_url)
    return None


async def listen(hub: Hub, heard: Source) -> None:
    """Wake the streams of each announced conversation, for the life of the process."""
    pause = 1.0
    while True:
        try:
            async with heard() as payloads:
                hub.set_live(True)
                pause = 1.0
                async for value in payloads:
                    parsed = live.parse(value)
                    if parsed is not None:
                        hub.publish(parsed[0], Stored(last_id=parsed[1]))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the database or Redis went away: poll until it is back
            log.warning("not hearing new messages (%s); streams poll meanwhile", error)
        finally:
            if hub.live:
                hub.set_live(False)
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_PAUSE_SECONDS)
