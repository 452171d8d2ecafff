"""The local gateway's rate limits with resources.json's real numbers: a window per client
address on the credential routes (AWS WAF's rate-based rules), a token bucket per route behind
it (API Gateway's stage throttling), and a 429 problem with Retry-After from either."""

from __future__ import annotations

import json

import pytest

from shop.local.edge.gateway import Gateway
from shop.local.edge.throttling import ClientWindows, Throttle, TokenBucket
from shop.resources import ClientLimit, RateLimit, Throttling, load_resources


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


def test_a_client_window_lets_limit_requests_through_per_window_then_says_when_the_next_may_go() -> None:
    clock = FakeClock()
    windows = ClientWindows(ClientLimit(limit=3, window_seconds=60), clock)

    assert [windows.take("10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 20
    assert windows.take("10.0.0.1") == pytest.approx(40)  # until the first leaves the window
    assert windows.take("10.0.0.2") == 0.0  # another client has a window of its own
    clock.now += 40
    assert windows.take("10.0.0.1") == 0.0
    with pytest.raises(ValueError, match="limit"):
        ClientWindows(ClientLimit(limit=0, window_seconds=60))


def test_resources_json_limits_sign_up_login_refresh_and_password_routes_per_client_in_wafs_terms() -> None:
    resources = load_resources()
    limits = resources.throttling
    assert limits is not None
    per_client = dict(limits.per_client)
    route_keys = {route.route_key for route in resources.routes}
    credential_routes = {"POST /users", "POST /auth/login", "POST /auth/refresh"} | {
        key for key in route_keys if "password" in key
    }
    assert credential_routes <= set(per_client), credential_routes - set(per_client)
    assert set(per_client) <= route_keys
    for key, limit in per_client.items():
        assert limit.limit >= 10, key  # AWS WAF's smallest rate limit
        assert limit.window_seconds in {60, 120, 300, 600}, key  # WAF's evaluation windows
        # the route's backstop is out of one client's reach
        assert limit.limit < limits.limit_for(key).burst, key


def test_a_flood_from_one_client_leaves_other_clients_their_logins() -> None:
    clock = FakeClock()
    limits = load_resources().throttling
    assert limits is not None
    throttle = Throttle(limits, clock=clock)
    per_client = limits.client_limit_for("POST /auth/login")
    assert per_client is not None

    admitted = 0
    for _ in range(600):  # wrong passwords, ten a second for a minute, from one address
        admitted += throttle.admit("POST /auth/login", "127.0.0.2") == 0.0
        clock.now += 0.1

    assert admitted <= per_client.limit * 2  # what the window lets through in that minute
    assert throttle.admit("POST /auth/login", "127.0.0.2") > 0  # and it is still refused
    assert throttle.admit("POST /auth/login", "127.0.0.3") == 0.0  # another client logs in
    assert throttle.admit("GET /products", "127.0.0.2") == 0.0  # other routes are not limited per client


def test_a_scale_multiplies_burst_and_rate() -> None:
    throttle = Throttle(
        Throttling(default=RateLimit(burst=2, rate=1), routes=()), scale=10, clock=FakeClock()
    )
    assert [throttle.admit("GET /x", "127.0.0.1") for _ in range(21)].count(0.0) == 20
    with pytest.raises(ValueError, match="scale"):
        Throttle(Throttling(default=RateLimit(burst=2, rate=1), routes=()), scale=0)


def test_the_gateway_answers_429_with_retry_after_before_calling_anything() -> None:
    resources = load_resources()
    assert resources.throttling is not None
    throttle = Throttle(resources.throttling, clock=FakeClock())
    gateway = Gateway(resources.routes, throttle=throttle)
    while throttle.admit("POST /auth/login", "127.0.0.2") == 0.0:
        pass  # what earlier requests from that address took

    body = json.dumps({"email": "ada@example.com", "password": "guess"}).encode()
    response = gateway.handle(
        "POST", "/auth/login", [("Content-Type", "application/json")], body, source_ip="127.0.0.2"
    )

    assert response.status == 429
    assert response.header("Content-Type") == "application/problem+json"
    assert response.header("Retry-After") == "60"  # the window, as the clock has not moved
    assert response.header("X-Request-Id")
    problem = json.loads(response.body)
    assert (problem["status"], problem["type"]) == (429, "/problems/too-many-requests")
