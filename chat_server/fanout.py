"""One subscriber per chat-server process: it hears which conversations got new messages
(announced by `core.live` from any process) and wakes their open streams here.

Redis pub/sub when `REDIS_URL` is set, else PostgreSQL LISTEN when the database is PostgreSQL;
on SQLite without Redis there is nothing to hear and streams poll. When the connection drops,
streams poll until it is back (with a growing pause between attempts, at most a minute).

While announcements are heard, one read every RESYNC_SECONDS finds the newest message of every
conversation with a stream open here: an announcement lost on the way (a publish Redis did not
take) delays a message by at most that long, at the cost of one query per process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
import redis.asyncio
from sqlalchemy.engine import Engine
from sqlmodel import Session

from chat_server.streams import Hub, Stored
from core import live
from core.crud import messages as msg_crud
from core.db import normalize_url

log = logging.getLogger(__name__)

MAX_PAUSE_SECONDS = 60.0
RESYNC_SECONDS = 30.0
CHUNK = 1000  # conversations per query
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


def _newest(engine: Engine, conversation_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    with Session(engine) as session:
        for start in range(0, len(conversation_ids), CHUNK):
            chunk = conversation_ids[start : start + CHUNK]
            found.update(msg_crud.last_ids(session=session, conversation_ids=chunk))
    return found


async def resync(hub: Hub, engine: Engine) -> None:
    """Every RESYNC_SECONDS while announcements are heard: wake the streams behind their
    conversation's newest message."""
    while True:
        await asyncio.sleep(RESYNC_SECONDS)
        conversations = hub.conversations()
        if not hub.live or not conversations:
            continue
        try:
            newest = await asyncio.to_thread(_newest, engine, conversations)
        except Exception as error:  # the database is away: the listener notices too
            log.warning("could not resync open streams (%s)", error)
            continue
        for cid, last in newest.items():
            hub.publish(cid, Stored(last_id=last))
