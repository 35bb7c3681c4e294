"""Caps on open event streams: so many per visitor address, so many per conversation.

A stream holds a socket and a task for as long as its page is open, so one address (or one
conversation's tabs) may hold only so many. With REDIS_URL the streams of every process count
together: each cap is a sorted set of stream ids scored with the time their process last
vouched for them (every REFRESH_SECONDS), so the streams of a process killed with them open stop
counting after STALE_SECONDS. Without Redis, and while it is unreachable (tried again after
RETRY_SECONDS), each process counts its own streams."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import redis.asyncio

from chat_server.errors import ApiError

log = logging.getLogger(__name__)
REFRESH_SECONDS = 30.0
STALE_SECONDS = 90.0
RETRY_SECONDS = 5.0
PREFIX = "customeragent:streams:"

# KEYS: the caps' sets; ARGV: stale seconds, the new stream's id, then each cap's limit.
# Returns 0 when the stream was added to every set, else the (1-based) number of the full cap.
# The time is Redis's own, so processes on machines with different clocks agree.
_OPEN = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1e6
local stale = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - stale)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('EXPIRE', key, math.ceil(stale))
end
return 0
"""
# KEYS: sets; ARGV: stale seconds, then the stream id to vouch for in each set (pairwise);
# added back when missing (opened while Redis was unreachable).
_REFRESH = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1e6
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1 + i])
  redis.call('EXPIRE', key, math.ceil(tonumber(ARGV[1])))
end
return 0
"""


@dataclass(frozen=True)
class Cap:
    key: str  # what is counted, e.g. "ip:203.0.113.9"
    limit: int
    refusal: str  # the 429's message


class StreamCaps:
    def __init__(self, redis_url: str | None, *, stale_seconds: float = STALE_SECONDS) -> None:
        self.stale_seconds = stale_seconds
        self._redis = None if not redis_url else redis.asyncio.Redis.from_url(redis_url)
        self._open_script = None if self._redis is None else self._redis.register_script(_OPEN)
        self._refresh_script = (
            None if self._redis is None else self._redis.register_script(_REFRESH)
        )
        self._streams: dict[str, tuple[str, ...]] = {}  # this process's streams: id -> keys
        self.shared_again_at = 0.0  # while in the future, Redis is left alone

    def _local_count(self, key: str) -> int:
        return sum(key in keys for keys in self._streams.values())

    def _shared(self) -> bool:
        return self._redis is not None and time.monotonic() >= self.shared_again_at

    def _unreachable(self, error: Exception) -> None:
        log.warning("stream caps counted per process: Redis unreachable (%s)", error)
        self.shared_again_at = time.monotonic() + RETRY_SECONDS

    async def open(self, caps: Sequence[Cap]) -> str:
        """A new stream's id, counted under every cap; 429 when one of them is full."""
        stream_id = uuid.uuid4().hex
        full: Cap | None = None
        counted = False
        if self._shared():
            assert self._open_script is not None
            try:
                keys = [PREFIX + cap.key for cap in caps]
                args: list[str | float] = [self.stale_seconds, stream_id, *(c.limit for c in caps)]
                answer = int(await self._open_script(keys=keys, args=args))
                full = caps[answer - 1] if answer else None
                counted = True
            except (redis.RedisError, OSError) as error:
                self._unreachable(error)
        if not counted:
            full = next((c for c in caps if self._local_count(c.key) >= c.limit), None)
        if full is not None:
            raise ApiError(429, full.refusal, headers={"Retry-After": "10"}, retry_after=10)
        self._streams[stream_id] = tuple(cap.key for cap in caps)
        return stream_id

    async def close(self, stream_id: str) -> None:
        keys = self._streams.pop(stream_id, ())
        if self._redis is None or not keys:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.zrem(PREFIX + key, stream_id)
                await pipe.execute()
        except (redis.RedisError, OSError) as error:
            self._unreachable(error)  # the stream is forgotten there after stale_seconds

    async def refresh(self) -> None:
        """Vouch for this process's open streams (their ids go stale otherwise)."""
        if self._refresh_script is None or not self._streams or not self._shared():
            return
        pairs = [(key, sid) for sid, keys in self._streams.items() for key in keys]
        try:
            await self._refresh_script(
                keys=[PREFIX + key for key, _ in pairs],
                args=[self.stale_seconds, *(sid for _, sid in pairs)],
            )
        except (redis.RedisError, OSError) as error:
            self._unreachable(error)

    async def keep_fresh(self, every: float = REFRESH_SECONDS) -> None:
        while True:
            await asyncio.sleep(every)
            await self.refresh()

    async def close_all(self) -> None:
        for stream_id in list(self._streams):
            await self.close(stream_id)
        if self._redis is not None:
            await self._redis.aclose()
