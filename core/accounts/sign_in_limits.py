"""Sign-in attempt limits per e-mail and per client IP, with the `limits` library: in memory by
default, Redis when REDIS_URL is set (so every admin worker shares one count). While Redis is
unreachable the counts are kept in this process (tried again after RETRY_SECONDS): an outage of
Redis never locks owners out nor lets guesses through uncounted."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import redis
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

# Separate namespaces keep these counts apart from the chat server's per-IP message limits.
EMAIL_SCOPE = "admin-login-email"
IP_SCOPE = "admin-login-ip"
RETRY_SECONDS = 5.0
T = TypeVar("T")

log = logging.getLogger(__name__)


class LoginLimiter:
    def __init__(self, rule: str, redis_url: str | None = None) -> None:
        self.item: RateLimitItem = parse(rule)
        self._pool: redis.ConnectionPool | None = None
        options: dict[str, Any] = {}
        if redis_url:
            # redis-py (already a dependency) with a pool we own, so close() can release it.
            self._pool = redis.ConnectionPool.from_url(redis_url)
            options = {"connection_pool": self._pool}
        storage = storage_from_string(redis_url or "memory://", **options)
        assert isinstance(storage, Storage)  # memory:// and redis:// URLs give sync stores
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(self.storage)
        local = storage_from_string("memory://")
        assert isinstance(local, Storage)
        self.local = MovingWindowRateLimiter(local)
        self.shared_again_at = 0.0  # while in the future, Redis is left alone

    def _counted(self, use: Callable[[MovingWindowRateLimiter], T]) -> T:
        """`use` on the shared counts, or on this process's while Redis is unreachable."""
        if self._pool is not None and time.monotonic() >= self.shared_again_at:
            try:
                return use(self.limiter)
            except (redis.RedisError, StorageError, OSError) as error:
                log.warning("sign-in limits counted per process: Redis unreachable (%s)", error)
                self.shared_again_at = time.monotonic() + RETRY_SECONDS
        return use(self.limiter if self._pool is None else self.local)

    def hit(self, *, email: str, client_ip: str) -> int | None:
        """Count one attempt; returns the seconds to wait when either count is exhausted.

        Every attempt counts before the password is checked: checking first and counting only
        failures would let parallel guesses slip through while argon2 is busy."""

        def count(limiter: MovingWindowRateLimiter) -> list[int]:
            return [
                self._wait(limiter, scope, key)
                for scope, key in ((EMAIL_SCOPE, email), (IP_SCOPE, client_ip))
                if not limiter.hit(self.item, scope, key)
            ]

        waits = self._counted(count)
        return max(waits) if waits else None

    def forgive_email(self, email: str) -> None:
        """After a good sign-in, earlier typos no longer count against the address. The IP count
        stays: otherwise signing in to one's own account would reset a guessing run."""
        self._counted(lambda limiter: limiter.clear(self.item, EMAIL_SCOPE, email))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.disconnect()

    def _wait(self, limiter: MovingWindowRateLimiter, scope: str, key: str) -> int:
        stats = limiter.get_window_stats(self.item, scope, key)
        return max(1, math.ceil(stats.reset_time - time.time()))


@lru_cache(maxsize=8)
def get_login_limiter(rule: str, redis_url: str | None = None) -> LoginLimiter:
    """One limiter per rule and store, shared by every caller in the process."""
    return LoginLimiter(rule, redis_url)
