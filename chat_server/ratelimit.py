"""Per-IP limits with the `limits` library: in memory by default, Redis when REDIS_URL is set."""

from __future__ import annotations

import math
import time
from typing import Any

import redis.asyncio
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from chat_server.errors import ApiError


def storage_uri(redis_url: str | None) -> str:
    if not redis_url:
        return "async+memory://"
    scheme, sep, rest = redis_url.partition("://")
    return f"async+{scheme}{sep}{rest}"


class RateLimiter:
    def __init__(self, rule: str, redis_url: str | None = None) -> None:
        try:
            self.item: RateLimitItem = parse(rule)
        except ValueError as exc:
            raise ValueError(f"RATE_LIMIT {rule!r} is not a rate such as '60/minute'") from exc
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

    async def check(self, scope: str, client: str, cost: int = 1) -> None:
        """Count `cost` hits for this client, or refuse with 429 and the seconds to wait."""
        if cost > self.item.amount:
            raise ApiError(413, f"At most {self.item.amount} messages fit in one request")
        if await self.limiter.hit(self.item, scope, client, cost=cost):
            return
        stats = await self.limiter.get_window_stats(self.item, scope, client)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise ApiError(
            429,
            f"Too many messages, please wait {wait} seconds",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()
