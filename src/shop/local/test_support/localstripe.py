"""localstripe (a stateful fake of the Stripe API, from PyPI) on 127.0.0.1, for the local stack
and the tests: `with LocalStripe() as fake: fake.environment()`.

localstripe's own `start()` listens on every interface and pickles its store to one fixed file
in /tmp after every write. This runs the same aiohttp app in a child process on loopback only,
in memory, and fills in three behaviours of the real Stripe API that the shop's Stripe adapter
relies on and localstripe 1.15 lacks — each following Stripe's documentation:

- idempotency keys: the first response to a key is saved and replayed (with
  `Idempotent-Replayed: true`), other parameters under the same key are a 400
  `idempotency_error`, and a key still in flight is a 409 the client retries;
- Stripe's test card tokens as `payment_method_data[card][token]` (`tok_visa`,
  `tok_mastercard`, `tok_chargeDeclined`; any other token: 400 `resource_missing`);
- webhook endpoints, which localstripe configures through its own `/_config/webhooks/<id>`
  route (`register_webhook`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
from types import TracebackType
from typing import Any

import requests

API_KEY = "sk_test_localstripe"
WEBHOOK_PATH = "/payments/webhooks/stripe"  # the shop's route, relative to the API's base URL
WEBHOOK_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed")
# localstripe declines a charge only for 4000000000000341 (Stripe's "attaches, then fails to
# charge" card); real Stripe declines tok_chargeDeclined's card (…0002) the same way, card_declined.
TEST_CARDS = {
    "tok_visa": "4242424242424242",
    "tok_mastercard": "5555555555554444",
    "tok_chargeDeclined": "4000000000000341",
}


class LocalStripe:
    """One localstripe child process; `start()`/`stop()` or `with`."""

    def __init__(self) -> None:
        self.webhook_secret = "whsec_" + secrets.token_hex(16)
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalStripe:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "shop.local.test_support.localstripe"],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # the child prints its port once it listens
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError("localstripe did not start (is the dev dependency installed?)")
        self.port = int(line)
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def __enter__(self) -> LocalStripe:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def register_webhook(self, url: str, name: str = "shop") -> None:
        """Have localstripe sign and POST the payment-intent events to `url` (≈1 s after each)."""
        response = requests.post(
            f"{self.api_base}/_config/webhooks/{name}",
            data={"url": url, "secret": self.webhook_secret, "events[]": list(WEBHOOK_EVENTS)},
            timeout=5,
        )
        response.raise_for_status()

    def environment(self) -> dict[str, str]:
        """What the payments functions need to charge through this server."""
        return {
            "SHOP_PAYMENT_PROVIDER": "stripe",
            "SHOP_STRIPE_SECRET": json.dumps({"api_key": API_KEY, "webhook_secret": self.webhook_secret}),
            "SHOP_STRIPE_API_BASE": self.api_base,
        }


# --- the child process ---------------------------------------------------------------------


def serve() -> None:
    from aiohttp import web
    from localstripe import resources, server  # type: ignore[import-untyped]

    resources.Store.dump_to_disk = lambda self: None  # in memory only
    _accept_test_tokens(resources)
    server.app.middlewares.insert(0, _idempotency(web))  # outermost: sees declines as responses
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    web.run_app(server.app, sock=listener, print=None, handle_signals=True)


def _accept_test_tokens(resources: Any) -> None:
    intent = resources.PaymentIntent
    create = intent._api_create.__func__

    def _api_create(cls: Any, /, payment_method_data: Any = None, **data: Any) -> Any:
        if payment_method_data is not None:
            data["payment_method"] = _payment_method(resources, payment_method_data).id
        return create(cls, **data)

    intent._api_create = classmethod(_api_create)


def _payment_method(resources: Any, data: Any) -> Any:
    token = data.get("card", {}).get("token") if isinstance(data, dict) else None
    if data.get("type") != "card" or not isinstance(token, str):
        raise resources.UserError(400, "Only card tokens are supported here.")
    number = TEST_CARDS.get(token)
    if number is None:
        error = {"code": "resource_missing", "param": "payment_method_data[card][token]"}
        raise resources.UserError(400, f"No such token: '{token}'", error)
    card = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
    return resources.PaymentMethod(type="card", card=card)


def _idempotency(web: Any) -> Any:
    saved: dict[str, tuple[str, int, bytes]] = {}
    in_flight: set[str] = set()

    def error(status: int, message: str) -> Any:
        body = {"error": {"type": "idempotency_error", "message": message}}
        return web.json_response(body, status=status)

    @web.middleware
    async def middleware(request: Any, handler: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        scope = f"{request.headers.get('Authorization', '')}\n{key}"
        fingerprint = hashlib.sha256(f"{request.path}\n".encode() + await request.read()).hexdigest()
        if scope in saved:
            first_fingerprint, status, body = saved[scope]
            if first_fingerprint != fingerprint:
                return error(
                    400, f"Keys for idempotent requests can only be used with the same parameters ({key})."
                )
            headers = {"Idempotent-Replayed": "true"}
            return web.Response(status=status, body=body, content_type="application/json", headers=headers)
        if scope in in_flight:
            return error(409, "There is currently another in-progress request using this Idempotency-Key.")
        in_flight.add(scope)
        try:
            response = await handler(request)
        finally:
            in_flight.discard(scope)
        if response.status not in (401, 409):
            saved[scope] = (fingerprint, response.status, response.body)
        return response

    return middleware


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(
        prog="python -m shop.local.test_support.localstripe",
        description="localstripe on 127.0.0.1 (a free port, printed first), in memory, until terminated",
    ).parse_args(argv)
    serve()


if __name__ == "__main__":
    main()
