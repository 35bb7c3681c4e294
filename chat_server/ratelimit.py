"""Per-IP limits with the `limits` library: in memory by default, Redis when REDIS_URL is set.

When Redis is unreachable the limits are counted in this process's memory (each process
allows the full rate meanwhile) and Redis is tried again after RETRY_SECONDS: an outage of
Redis never fails a visitor's request."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import redis.asyncio
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from chat_server.errors import ApiError

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0  # after Redis failed, count locally this long before trying it again


def storage_uri(redis_url: str | None) -> str:
    if not redis_url:
        return "async+memory://"
    scheme, sep, rest = redis_url.partition("://")
    return f"async+{scheme}{sep}{rest}"


class RateLimiter:
    def __init__(
        self, rule: str, redis_url: str | None = None, *, counts: str = "messages"
    ) -> None:
        try:
            self.item: RateLimitItem = parse(rule)
        except ValueError as exc:
            raise ValueError(f"{rule!r} is not a rate such as '60/minute'") from exc
        self.counts = counts  # what the refusals say is counted
        self._pool = None
        options: dict[str, Any] = {}
        if redis_url:
            # redis-py (already a dependency) with a pool we own, so shutdown can close it.
            self._pool = redis.asyncio.ConnectionPool.from_url(redis_url)
            options = {"implementation": "redispy", "connection_pool": self._pool}
        self.storage = storage_from_string(storage_uri(redis_url), **options)
        # A moving window counts exactly the hits of the last period. The sliding-window counter
        # floors a weighted estimate of the previous window, so just after a window boundary it
        # let a visitor (and a test) send more than the limit.
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.local = MovingWindowRateLimiter(storage_from_string("async+memory://"))
        self.shared_again_at = 0.0  # while in the future, Redis is left alone

    async def _hit(self, scope: str, client: str, cost: int) -> tuple[bool, float]:
        """(allowed, when the window resets), counted in Redis when it answers."""
        if self._pool is not None and time.monotonic() >= self.shared_again_at:
            try:
                if await self.limiter.hit(self.item, scope, client, cost=cost):
                    return True, 0.0
                stats = await self.limiter.get_window_stats(self.item, scope, client)
                return False, stats.reset_time
            except (redis.RedisError, StorageError, OSError) as error:
                log.warning("rate limits counted per process: Redis unreachable (%s)", error)
                self.shared_again_at = time.monotonic() + RETRY_SECONDS
        limiter = self.limiter if self._pool is None else self.local
        if await limiter.hit(self.item, scope, client, cost=cost):
            return True, 0.0
        return False, (await limiter.get_window_stats(self.item, scope, client)).reset_time

    async def check(self, scope: str, client: str, cost: int = 1) -> None:
        """Count `cost` hits for this client, or refuse with 429 and the seconds to wait."""
        if cost > self.item.amount:
            raise ApiError(413, f"At most {self.item.amount} {self.counts} fit in one request")
        allowed, reset_time = await self._hit(scope, client, cost)
        if allowed:
            return
        wait = max(1, math.ceil(reset_time - time.time()))
        raise ApiError(
            429,
            f"Too many {self.counts}, please wait {wait} seconds",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()
