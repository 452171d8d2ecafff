"""The AWS emulator the stack talks to: moto's server on 127.0.0.1, or an external one."""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlparse

import requests

from shop.local.resources import REGION

log = logging.getLogger(__name__)

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class Emulator:
    """Either an embedded `ThreadedMotoServer` (the default) or the URL of one already running.

    With an external endpoint (LocalStack has no Cognito in its free edition), Cognito still
    runs on an embedded moto: boto3's service-specific `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`
    sends only that service there.
    """

    def __init__(self, external_endpoint: str | None = None) -> None:
        self._external = external_endpoint.rstrip("/") if external_endpoint else None
        self._server: object | None = None
        self._moto_url: str | None = None
        self._housekeeper: StreamIteratorExpiry | None = None

    @property
    def embedded(self) -> bool:
        return self._external is None

    @property
    def endpoint(self) -> str:
        """Where DynamoDB, SNS and SQS live."""
        if self._external:
            return self._external
        assert self._moto_url, "emulator not started"
        return self._moto_url

    @property
    def cognito_endpoint(self) -> str:
        """Where Cognito lives (and the pool's JWKS)."""
        assert self._moto_url, "emulator not started"
        return self._moto_url

    def start(self) -> None:
        from moto.server import ThreadedMotoServer  # deferred: heavy import

        from shop.local import moto_fixes

        moto_fixes.install()  # the embedded moto must isolate DynamoDB transactions (see moto_fixes)
        from shop.local import moto_fixes

        moto_fixes.install()  # isolated transactions, streams that survive a rollback
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call otherwise
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self._moto_url = f"http://{host}:{port}"
        # moto's state is global to the process: start from nothing, whatever ran here before.
        requests.post(f"{self._moto_url}/moto-api/reset", timeout=10).raise_for_status()
        self._housekeeper = StreamIteratorExpiry()
        self._housekeeper.start()
        if self._external:
            _wait_reachable(self._external)
        log.info("AWS emulator at %s (cognito at %s)", self.endpoint, self.cognito_endpoint)

    def stop(self) -> None:
        if self._housekeeper is not None:
            self._housekeeper.stop()
            self._housekeeper = None
        server = self._server
        self._server = None
        if server is not None:
            server.stop()  # type: ignore[attr-defined]

    def environment(self) -> dict[str, str]:
        """The variables that point boto3 (and so every service's clients) at this emulator."""
        env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            **DUMMY_CREDENTIALS,
        }
        if self._external:
            env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = self.cognito_endpoint
        return env


def _wait_reachable(url: str, timeout: float = 10.0) -> None:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"refusing a non-loopback AWS endpoint: {url}")
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the AWS endpoint {url} does not answer") from None
            time.sleep(0.2)


class StreamIteratorExpiry:
    """Expire moto's DynamoDB Streams shard iterators after 15 minutes, as AWS does.

    moto keeps every iterator it ever handed out, and each GetRecords hands out a new one, so a
    relay polling for hours would otherwise grow the process by tens of megabytes an hour.
    """

    def __init__(self, max_age_seconds: float = 15 * 60, interval_seconds: float = 60.0) -> None:
        self.max_age_seconds = max_age_seconds
        self.interval_seconds = interval_seconds
        self._first_seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="moto-iterator-expiry", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            try:
                self.expire(time.monotonic())
            except Exception:  # housekeeping must never take the stack down
                log.exception("expiring stream iterators failed")

    def expire(self, now: float) -> int:
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        expired = 0
        live: set[str] = set()
        for account in list(dynamodbstreams_backends.values()):
            for backend in list(account.values()):
                iterators = backend.shard_iterators
                for key in list(iterators):
                    first_seen = self._first_seen.setdefault(key, now)
                    if now - first_seen > self.max_age_seconds:
                        iterators.pop(key, None)
                        expired += 1
                    else:
                        live.add(key)
        self._first_seen = {key: seen for key, seen in self._first_seen.items() if key in live}
        return expired
