"""Which Host the local stack's listeners answer (DNS rebinding): loopback names only, and the
AWS emulator no web page at all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from shop.local.edge.loopback import for_local_tools_only, is_loopback_host


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:8080",
        "LocalHost:3000",
        "localhost:",
        "127.0.0.1",
        "127.0.0.1:8080",
        "127.0.0.2:9000",
        "127.0.0.3",
        "127.255.255.254:1",
        "[::1]",
        "[::1]:8080",
    ],
)
def test_loopback_names_and_addresses_with_any_port_are_this_machine(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "",
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.evil.example",
        "localhost.evil.example:8080",
        "localhost.",
        "evil.localhost",
        "128.0.0.1",
        "0.0.0.0:8080",
        "10.0.0.1",
        "127.0.0.1:80:80",
        "127.0.0.1:http",
        "127.0.0.1 evil.example",
        "127.0.0.1,evil.example",
        "127.000.000.001",
        "[::2]:8080",
        "[::]",
        "[::ffff:8.8.8.8]",
        "[::1",
        "::1",
    ],
)
def test_any_other_host_is_not(host: str) -> None:
    assert not is_loopback_host(host)


def _call(environ: dict[str, Any]) -> tuple[str, bytes]:
    def app(environ: Any, start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [])
        return [b"emulated"]

    started: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        started.append(status)

    body = for_local_tools_only(app)(environ, start_response)
    return started[0], b"".join(body)


def test_the_emulator_answers_sdks_on_this_machine_only() -> None:
    assert _call({"HTTP_HOST": "127.0.0.1:4566"}) == ("200 OK", b"emulated")  # boto3's Host
    assert _call({"HTTP_HOST": "evil.example:4566"})[0] == "421 Misdirected Request"
    assert _call({})[0] == "421 Misdirected Request"
    # A page on another origin that knows the port: its browser names the page's origin.
    assert _call({"HTTP_HOST": "127.0.0.1:4566", "HTTP_ORIGIN": "http://evil.example"})[0] == "403 Forbidden"
