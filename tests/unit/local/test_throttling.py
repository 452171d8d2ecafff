"""The local gateway's rate limits: token buckets with resources.json's real numbers, and a
429 problem with Retry-After once a route's bucket is empty."""

from __future__ import annotations

import json

import pytest

from shop.local.edge.gateway import Gateway
from shop.local.edge.throttling import Throttle, TokenBucket
from shop.local.resources import RateLimit, Throttling, load_resources


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_a_burst_through_then_refills_at_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(burst=3, rate=2), clock)

    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take() == pytest.approx(0.5)  # one token every 1/rate seconds
    clock.now += 0.5
    assert bucket.take() == 0.0
    clock.now += 60  # refills, but never beyond the burst
    assert [bucket.take() for _ in range(4)][-1] > 0


def test_a_bucket_needs_a_burst_and_a_rate() -> None:
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(RateLimit(burst=0, rate=1))
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(RateLimit(burst=1, rate=0))


def test_resources_json_limits_logins_sign_ups_and_refreshes_tightly() -> None:
    limits = load_resources().throttling
    assert limits is not None
    tight = {key: limits.limit_for(key) for key in ("POST /auth/login", "POST /auth/refresh", "POST /users")}
    assert all(limit.burst <= 10 and limit.rate <= 2 for limit in tight.values()), tight
    assert limits.limit_for("GET /products") == limits.default
    assert limits.default.burst > max(limit.burst for limit in tight.values())


def test_sixty_wrong_passwords_in_two_seconds_are_mostly_refused() -> None:
    clock = FakeClock()
    limits = load_resources().throttling
    assert limits is not None
    throttle = Throttle(limits, clock=clock)
    login = limits.limit_for("POST /auth/login")

    admitted = 0
    for _ in range(60):
        admitted += throttle.admit("POST /auth/login") == 0.0
        clock.now += 2 / 60

    # the burst, then only what the rate refills in those two seconds
    assert login.burst <= admitted <= login.burst + 2 * login.rate
    assert throttle.admit("POST /auth/login") > 0  # and the right password right after: refused too
    assert throttle.admit("GET /products") == 0.0  # other routes have buckets of their own


def test_a_scale_multiplies_burst_and_rate() -> None:
    throttle = Throttle(
        Throttling(default=RateLimit(burst=2, rate=1), routes=()), scale=10, clock=FakeClock()
    )
    assert [throttle.admit("GET /x") for _ in range(21)].count(0.0) == 20
    with pytest.raises(ValueError, match="scale"):
        Throttle(Throttling(default=RateLimit(burst=2, rate=1), routes=()), scale=0)


def test_the_gateway_answers_429_with_retry_after_before_calling_anything() -> None:
    resources = load_resources()
    assert resources.throttling is not None
    throttle = Throttle(resources.throttling, clock=FakeClock())
    gateway = Gateway(resources.routes, throttle=throttle)
    while throttle.admit("POST /auth/login") == 0.0:
        pass  # what earlier requests took

    body = json.dumps({"email": "ada@example.com", "password": "guess"}).encode()
    response = gateway.handle("POST", "/auth/login", [("Content-Type", "application/json")], body)

    assert response.status == 429
    assert response.header("Content-Type") == "application/problem+json"
    assert response.header("Retry-After") == "1"
    problem = json.loads(response.body)
    assert (problem["status"], problem["type"]) == (429, "/problems/too-many-requests")
