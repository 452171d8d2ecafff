"""The AWS emulator the stack talks to: moto's server in a process of its own on 127.0.0.1
(see moto_process), or an external one."""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import threading
import time
from typing import IO, Any
from urllib.parse import urlparse

import requests

from shop.local.emulator.mailbox import Message
from shop.local.runtime.child_process import child_environment, read_line
from shop.resources import REGION

log = logging.getLogger(__name__)

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
START_TIMEOUT_SECONDS = 60.0


class EmulatorFailed(RuntimeError):
    """The emulator's process did not start, or stopped answering."""


class Emulator:
    """Either an embedded moto server (the default) or the URL of one already running.

    With an external endpoint (LocalStack has no Cognito in its free edition), Cognito still
    runs on an embedded moto: boto3's service-specific `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`
    sends only that service there.
    """

    def __init__(self, external_endpoint: str | None = None) -> None:
        self._external = external_endpoint.rstrip("/") if external_endpoint else None
        self._process: subprocess.Popen[str] | None = None
        self._moto_url: str | None = None
        self._control = threading.Lock()

    @property
    def embedded(self) -> bool:
        return self._external is None

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

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
        process = subprocess.Popen(
            [sys.executable, "-m", "shop.local.emulator.moto_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_environment(),
        )
        self._process = process
        assert process.stdout is not None
        first = read_line(process.stdout, START_TIMEOUT_SECONDS)
        if not first:
            self.stop()
            raise EmulatorFailed("the moto server process did not start (see its output above)")
        self._moto_url = f"http://127.0.0.1:{json.loads(first)['port']}"
        if self._external:
            _wait_reachable(self._external)
        log.info(
            "AWS emulator at %s (cognito at %s, pid %d)", self.endpoint, self.cognito_endpoint, process.pid
        )

    def command(self, op: str, **args: Any) -> Any:
        """Run one housekeeping command in the embedded emulator's process (see moto_process)."""
        process = self._process
        if process is None:
            raise EmulatorFailed("the emulator is not running")
        with self._control:
            stdin: IO[str] | None = process.stdin
            assert stdin is not None
            assert process.stdout is not None
            try:
                stdin.write(json.dumps({"op": op, "args": args}) + "\n")
                stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise EmulatorFailed("the emulator's process is gone") from exc
            line = read_line(process.stdout, 30.0)
        if not line:
            raise EmulatorFailed(f"the emulator did not answer {op!r}")
        reply = json.loads(line)
        if "error" in reply:
            raise EmulatorFailed(f"{op}: {reply['error']}")
        return reply["ok"]

    def trim_stream(self, table_name: str, up_to_sequence_number: str) -> None:
        """The relay delivered every record up to this one: the emulator may forget them."""
        if self.embedded and self._process is not None:
            self.command("trim_stream", table_name=table_name, up_to_sequence_number=up_to_sequence_number)

    def mail_topic(self, topic_name: str) -> None:
        """Deliver what is published on this topic to the mailbox, as a mailer subscribed to it
        would (an external emulator's SNS is not moto's: nothing to hook there)."""
        if self.embedded:
            self.command("mail_topic", topic_name=topic_name)

    def mailbox(self, to: str | None = None) -> list[Message]:
        """The messages the shop sent, oldest first; only those to `to` if given."""
        messages: list[Message] = self.command("mailbox", to=to)
        return messages

    def stop(self, timeout: float = 1.0) -> None:
        process = self._process
        self._process = None
        if process is None:
            return
        process.terminate()  # its state is for this run only: nothing to save
        with self._control, contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

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
