"""Sign-in attempt limits per e-mail and per client IP, with the `limits` library: in memory by
default, Redis when REDIS_URL is set (so every admin worker shares one count)."""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Any

import redis
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

# Separate namespaces keep these counts apart from the chat server's per-IP message limits.
EMAIL_SCOPE = "admin-login-email"
IP_SCOPE = "admin-login-ip"


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

    def hit(self, *, email: str, client_ip: str) -> int | None:
        """Count one attempt; returns the seconds to wait when either count is exhausted.

        Every attempt counts before the password is checked: checking first and counting only
        failures would let parallel guesses slip through while argon2 is busy."""
        waits = [
            self._wait(scope, key)
            for scope, key in ((EMAIL_SCOPE, email), (IP_SCOPE, client_ip))
            if not self.limiter.hit(self.item, scope, key)
        ]
        return max(waits) if waits else None

    def forgive_email(self, email: str) -> None:
        """After a good sign-in, earlier typos no longer count against the address. The IP count
        stays: otherwise signing in to one's own account would reset a guessing run."""
        self.limiter.clear(self.item, EMAIL_SCOPE, email)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.disconnect()

    def _wait(self, scope: str, key: str) -> int:
        stats = self.limiter.get_window_stats(self.item, scope, key)
        return max(1, math.ceil(stats.reset_time - time.time()))


@lru_cache(maxsize=8)
def get_login_limiter(rule: str, redis_url: str | None = None) -> LoginLimiter:
    """One limiter per rule and store, shared by every caller in the process."""
    return LoginLimiter(rule, redis_url)
