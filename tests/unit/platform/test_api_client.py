"""Calls to another service's API end within the calling function's timeout: a service that is
down or hung becomes the caller's own 503, never the gateway's bare one after a timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from shop.kernel.errors import Unavailable
from shop.platform import api_client

HTTP_FUNCTION_TIMEOUT_SECONDS = 10  # terraform/modules/shop: functions' http timeout default


class SilentServer:
    """Accepts connections and never answers."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.accepted = 0
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            self._held.append(connection)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def close(self) -> None:
        for connection in self._held:
            connection.close()
        self.socket.close()


@pytest.fixture
def fresh_pool() -> Iterator[None]:
    api_client.reset_pool()
    yield
    api_client.reset_pool()


def test_an_answer_that_does_not_come_is_waited_for_once(
    fresh_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = SilentServer()
    monkeypatch.setattr(api_client, "READ_SECONDS", 0.3)
    monkeypatch.setenv("SHOP_API_URL", server.url)
    started = time.monotonic()
    try:
        with pytest.raises(Unavailable, match="did not answer"):
            api_client.get_json("/products/p-1")
    finally:
        server.close()
    assert server.accepted == 1  # GETs are idempotent, but a second wait would not fit
    assert time.monotonic() - started < 2 * 0.3


def test_a_refused_connection_is_unavailable(fresh_pool: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    monkeypatch.setenv("SHOP_API_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(Unavailable, match="did not answer"):
        api_client.get_json("/cart")


def test_the_worst_case_fits_the_http_functions_timeout() -> None:
    worst = api_client.CONNECT_SECONDS * (api_client.CONNECT_RETRIES + 1) + api_client.READ_SECONDS
    assert worst < HTTP_FUNCTION_TIMEOUT_SECONDS - 1  # a second left to answer the problem
