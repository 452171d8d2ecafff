"""The edge's rate limits, emulated by the local gateway with resources.json's `throttling`.

- Per client (AWS WAF's rate-based rules on the CloudFront distribution in front of the API):
  on the routes of `per_client`, at most `limit` requests from one client address in any
  `window_seconds`. Checked first: a refused request never reaches the route's bucket, so one
  client cannot drain it for everyone.
- Per route (API Gateway's stage route throttling): one token bucket per route shared by
  every caller, `burst` tokens deep and refilled at `rate` per second: the backstop.

A refused request gets 429 with the seconds until it would be let through."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from shop.resources import ClientLimit, RateLimit, Throttling

_PRUNE_AT = 4096  # client windows kept before those with nothing left in them are dropped


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


class ClientWindows:
    """One sliding window per client address: the times of its admitted requests."""

    def __init__(self, limit: ClientLimit, clock: Callable[[], float] = time.monotonic) -> None:
        if limit.limit < 1 or limit.window_seconds <= 0:
            raise ValueError(f"a client limit needs a limit of at least 1 and a positive window, not {limit}")
        self._limit = limit
        self._clock = clock
        self._windows: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Count a request from `client`: 0.0 if it is within the limit, else the seconds until it is."""
        with self._lock:
            now = self._clock()
            window = self._windows.get(client)
            if window is None:
                if len(self._windows) >= _PRUNE_AT:
                    self._prune(now)
                window = self._windows[client] = deque()
            while window and now - window[0] >= self._limit.window_seconds:
                window.popleft()
            if len(window) >= self._limit.limit:
                return window[0] + self._limit.window_seconds - now
            window.append(now)
            return 0.0

    def _prune(self, now: float) -> None:
        for client, window in list(self._windows.items()):
            if not window or now - window[-1] >= self._limit.window_seconds:
                del self._windows[client]


class Throttle:
    """The client windows and buckets of every route. `scale` multiplies every limit, burst and
    rate: 1 is what a deployment gets; test harnesses that sign up many users at once run with more."""

    def __init__(
        self, limits: Throttling, *, scale: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if scale <= 0:
            raise ValueError(f"the throttling scale must be positive, not {scale}")
        self._limits = limits
        self._scale = scale
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._clients: dict[str, ClientWindows | None] = {}
        self._lock = threading.Lock()

    def admit(self, route_key: str, client: str) -> float:
        """0.0 if a request from `client` (its address) to this route may go on, else the
        seconds to wait."""
        windows = self._client_windows(route_key)
        wait = windows.take(client) if windows is not None else 0.0
        return wait or self._bucket(route_key).take()

    def _client_windows(self, route_key: str) -> ClientWindows | None:
        with self._lock:
            if route_key not in self._clients:
                limit = self._limits.client_limit_for(route_key)
                self._clients[route_key] = (
                    None
                    if limit is None
                    else ClientWindows(
                        ClientLimit(max(1, round(limit.limit * self._scale)), limit.window_seconds),
                        self._clock,
                    )
                )
            return self._clients[route_key]

    def _bucket(self, route_key: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(route_key)
            if bucket is None:
                limit = self._limits.limit_for(route_key)
                scaled = RateLimit(
                    burst=max(1, round(limit.burst * self._scale)), rate=limit.rate * self._scale
                )
                bucket = self._buckets[route_key] = TokenBucket(scaled, self._clock)
        return bucket
