"""API Gateway's stage route throttling, emulated by the local gateway: one token bucket per
route (not per client, as on API Gateway), `burst` tokens deep and refilled at `rate` per
second, with the limits resources.json's `throttling` section gives. A request that finds
the bucket empty is refused (429) with the seconds until a token is back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from shop.local.resources import RateLimit, Throttling


class TokenBucket:
    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        if limit.burst < 1 or limit.rate <= 0:
            raise ValueError(f"a bucket needs a burst of at least 1 and a positive rate, not {limit}")
        self._limit = limit
        self._clock = clock
        self._tokens = float(limit.burst)
        self._filled_at = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token: 0.0 if there was one, else the seconds until there is."""
        with self._lock:
            now = self._clock()
            elapsed = max(now - self._filled_at, 0.0)
            self._tokens = min(float(self._limit.burst), self._tokens + elapsed * self._limit.rate)
            self._filled_at = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self._limit.rate


class Throttle:
    """The buckets of every route. `scale` multiplies every burst and rate: 1 is what a
    deployment gets; test harnesses that sign up many users at once run with more."""

    def __init__(
        self, limits: Throttling, *, scale: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if scale <= 0:
            raise ValueError(f"the throttling scale must be positive, not {scale}")
        self._limits = limits
        self._scale = scale
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def admit(self, route_key: str) -> float:
        """0.0 if a request to this route may go on, else the seconds to wait."""
        with self._lock:
            bucket = self._buckets.get(route_key)
            if bucket is None:
                limit = self._limits.limit_for(route_key)
                scaled = RateLimit(
                    burst=max(1, round(limit.burst * self._scale)), rate=limit.rate * self._scale
                )
                bucket = self._buckets[route_key] = TokenBucket(scaled, self._clock)
        return bucket.take()
