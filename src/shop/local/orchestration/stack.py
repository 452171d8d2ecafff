"""The whole embedded stack, as a library: `with EmbeddedStack(port=0) as stack: stack.url`."""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from shop.local.edge.gateway import Gateway, GatewayServer
from shop.local.edge.jwt_verifier import JwtVerifier
from shop.local.edge.local_pages import LocalPages
from shop.local.edge.throttling import Throttle
from shop.local.emulator.provisioning import ADMIN_GROUP, Provisioned, aws_client, provision
from shop.local.emulator.server import Emulator
from shop.local.event_sources.queue_poller import QueuePoller
from shop.local.event_sources.stream_relay import StreamRelay
from shop.local.orchestration.seed import DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, SeedReport, seed
from shop.local.runtime.lambda_runtime import DEFAULT_MAX_ENVIRONMENTS, Runtime
from shop.resources import Resources, load_resources

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080


class PortBusy(RuntimeError):
    """Another process (perhaps another `make run`) already listens on the gateway's port."""


class SeedFailed(RuntimeError):
    """The seed could not set up the admin account; the stack does not serve half-seeded."""


# A process has one environment, so it can host one stack: a second EmbeddedStack started while
# one runs attaches to it (test modules that each ask for a stack then share one).
_running: EmbeddedStack | None = None
_running_lock = threading.RLock()


class EmbeddedStack:
    """Emulator, provisioning, gateway, pollers and outbox relay; `start()`/`stop()` or `with`.

    `port=0` picks a free port (tests). `aws_endpoint` uses an external emulator for DynamoDB,
    SNS and SQS (LocalStack on :4566). `resources_path` replaces the packaged resources.json.
    `max_environments` bounds the execution environments (worker processes) per function.
    `throttle_scale` multiplies resources.json's rate limits (default: $SHOP_THROTTLE_SCALE or 1).
    The API answers 503 (`/health`: `starting`) until provisioning and the seed are done.
    """

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        *,
        seed: bool = False,
        aws_endpoint: str | None = None,
        resources_path: Path | str | None = None,
        metrics: bool = False,
        admin_email: str | None = None,
        admin_password: str | None = None,
        pollers: bool = True,
        relay: bool = True,
        max_environments: int = DEFAULT_MAX_ENVIRONMENTS,
        throttle_scale: float | None = None,
    ) -> None:
        self.requested_port = port
        self.seed_on_start = seed
        self.resources: Resources = load_resources(resources_path)
        self.emulator = Emulator(aws_endpoint)
        self.metrics = metrics
        self.admin_email = admin_email or os.environ.get("SHOP_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL
        self.admin_password = (
            admin_password or os.environ.get("SHOP_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
        )
        self.with_pollers = pollers
        self.with_relay = relay
        self.runtime = Runtime(max_environments)
        self.throttle_scale = throttle_scale or float(os.environ.get("SHOP_THROTTLE_SCALE") or 1)
        self.provisioned = Provisioned()
        self.pollers: list[QueuePoller] = []
        self.relays: list[StreamRelay] = []
        self.seed_report: SeedReport | None = None
        self.startup_seconds = 0.0
        self._server: GatewayServer | None = None
        self._server_thread: threading.Thread | None = None
        self._saved_env: dict[str, str | None] = {}
        self._started = False
        self.resources_path = resources_path
        self.primary: EmbeddedStack | None = None  # set when attached to the stack already running

    # -- what the tests and `python -m shop.local` read -----------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "stack not started"
        return self._server.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_endpoint(self) -> str:
        return self.emulator.endpoint

    @property
    def pool_id(self) -> str:
        return self.provisioned.pool_id

    @property
    def client_id(self) -> str:
        return self.provisioned.client_id

    def client(self, service_name: str) -> Any:
        """A boto3 client for this stack's emulator (Cognito goes to the embedded moto)."""
        if service_name == "cognito-idp":
            return aws_client(service_name, self.emulator.cognito_endpoint)
        return aws_client(service_name, self.emulator.endpoint)

    def promote_to_admin(self, email: str) -> None:
        """Put a registered user into the `admin` group (tokens issued after this carry it)."""
        self.client("cognito-idp").admin_add_user_to_group(
            UserPoolId=self.pool_id, Username=email, GroupName=ADMIN_GROUP
        )

    def nudge_relay(self) -> None:
        for relay in self.relays:
            relay.nudge()

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> EmbeddedStack:
        global _running  # noqa: PLW0603 - the one stack of this process
        with _running_lock:
            if self._started:
                return self
            if _running is not None:
                return self._attach(_running)
            self._start_own()
            _running = self
        return self

    def _attach(self, primary: EmbeddedStack) -> EmbeddedStack:
        if self.requested_port not in (0, primary.port) or self.resources != primary.resources:
            raise RuntimeError(
                f"another EmbeddedStack runs in this process at {primary.url} with other settings; "
                "a process can host only one (it has one environment)"
            )
        if self.emulator.embedded != primary.emulator.embedded:
            raise RuntimeError("another EmbeddedStack with another AWS endpoint runs in this process")
        self.primary = primary
        self.emulator = primary.emulator
        self.runtime = primary.runtime
        self.provisioned = primary.provisioned
        self._server = primary._server
        self.pollers = primary.pollers
        self.relays = primary.relays
        self.startup_seconds = 0.0
        self._started = True
        log.info("attached to the local stack already running at %s", self.url)
        if self.seed_on_start:
            already = primary.seed_report is not None and primary.admin_email == self.admin_email
            self.seed_report = primary.seed_report if already else self.seed()
        return self

    def _start_own(self) -> None:
        began = time.perf_counter()
        limits = self.resources.throttling
        throttle = Throttle(limits, scale=self.throttle_scale) if limits else None
        gateway = Gateway(
            self.resources.routes,
            on_write=self.nudge_relay,
            runtime=self.runtime,
            throttle=throttle,
            local_pages=LocalPages(self.emulator.mailbox).handle,
        )
        try:
            # Bind first: a busy port must fail before anything else starts.
            self._server = GatewayServer(gateway, self.requested_port, ready=False)
        except OSError as exc:
            raise PortBusy(f"port {self.requested_port} on 127.0.0.1 is busy ({exc.strerror})") from exc
        self._started = True
        try:
            self._start_rest(gateway)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - began
        log.info("local stack ready at %s in %.2fs", self.url, self.startup_seconds)

    def _start_rest(self, gateway: Gateway) -> None:
        assert self._server is not None
        gateway.domain_name = f"127.0.0.1:{self.port}"
        self.emulator.start()
        self._set_environment(self.emulator.environment())
        self._unset_environment(("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"))
        self.provisioned = provision(self.resources, self.emulator.endpoint, self.emulator.cognito_endpoint)
        self.emulator.mail_topic(self.resources.notifications_topic_name)
        self._set_environment(self._service_environment())
        _reset_platform_clients()
        gateway.verifier = JwtVerifier.for_cognito(
            self.emulator.cognito_endpoint, self.pool_id, self.client_id
        )
        self._server_thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, name="gateway", daemon=True
        )
        self._server_thread.start()
        if self.with_pollers:
            self._start_pollers()
        if self.with_relay:
            self._start_relays()
        if self.seed_on_start:
            self.seed_report = self._seed_before_serving(gateway)
        self._server.ready = True

    def _service_environment(self) -> dict[str, str]:
        env = self.provisioned.environment()
        env["SHOP_API_URL"] = self.url
        env["SHOP_CURSOR_SECRET"] = secrets.token_hex(32)
        env["SHOP_TRACING"] = "off"
        env["SHOP_ALLOW_SANDBOX_PAYMENTS"] = "true"  # a local stack sells nothing: its sandbox may approve
        env["POWERTOOLS_METRICS_NAMESPACE"] = "Shop"
        env["POWERTOOLS_METRICS_DISABLED"] = "false" if self.metrics else "true"
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
        return env

    def _start_pollers(self) -> None:
        defaults = self.resources.queue_defaults
        sqs = self.client("sqs")  # boto3 clients are thread-safe; one saves ~100 ms per poller
        for service in self.resources.consumers:
            queue = self.provisioned.queues[service.name]
            assert service.events_handler is not None
            poller = QueuePoller(
                sqs=sqs,
                queue_url=queue.url,
                queue_arn=queue.arn,
                handler=service.events_handler,
                batch_size=defaults.batch_size,
                on_batch_done=self.nudge_relay,
                runtime=self.runtime,
            )
            poller.start()
            self.pollers.append(poller)

    def _start_relays(self) -> None:
        start_at = "TRIM_HORIZON" if self.emulator.embedded else "LATEST"
        streams = self.client("dynamodbstreams")
        for table_service in self.resources.relay_tables:
            stream_arn = self.provisioned.stream_arns.get(table_service)
            if stream_arn is None:
                log.warning("outbox relay: the %s table has no stream; not relayed", table_service)
                continue
            relay = StreamRelay(
                streams=streams,
                stream_arn=stream_arn,
                handler=self.resources.relay_handler,
                start_at=start_at,
                runtime=self.runtime,
                on_delivered=self.emulator.trim_stream,
            )
            relay.start()
            self.relays.append(relay)

    def _seed_before_serving(self, gateway: Gateway) -> SeedReport:
        """Seed through a listener of its own while the public port still answers 503, so
        nobody can register the admin's e-mail first."""
        bootstrap = GatewayServer(gateway, 0)
        thread = threading.Thread(target=bootstrap.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        try:
            report = self._seed_at(f"http://127.0.0.1:{bootstrap.port}")
        finally:
            bootstrap.shutdown()
            bootstrap.server_close()
        if not report.admin_logged_in:
            raise SeedFailed(f"seeding failed; the stack will not serve:\n{report.summary()}")
        return report

    def seed(self) -> SeedReport:
        return self._seed_at(self.url)

    def _seed_at(self, base_url: str) -> SeedReport:
        return seed(base_url, self.admin_email, self.admin_password, promote=self.promote_to_admin)

    def stop(self) -> None:
        global _running  # noqa: PLW0603 - the one stack of this process
        with _running_lock:
            if not self._started:
                return
            self._started = False
            if self.primary is not None:  # attached: the primary's owner stops it
                self.primary = None
                return
            if _running is self:
                _running = None
            self._stop_own()

    def _stop_own(self) -> None:
        """Everything stops within a few seconds, whatever is running: in-flight invocations
        fail as their environments are terminated."""
        began = time.monotonic()
        workers: list[QueuePoller | StreamRelay] = [*self.pollers, *self.relays]
        for worker in workers:
            worker.stop()
        if self._server is not None:
            self._server.ready = False
            if self._server_thread is not None:
                self._server.shutdown()
                self._server_thread.join(1)
            self._server.server_close()
        self.runtime.stop(timeout=1.0)
        self.emulator.stop(timeout=1.0)
        deadline = time.monotonic() + 1.0  # a poller may be in a long poll; its thread is a daemon
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        self.pollers.clear()
        self.relays.clear()
        log.info("local stack stopped in %.2fs", time.monotonic() - began)
        self._restore_environment()
        _reset_platform_clients()

    def __enter__(self) -> EmbeddedStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- environment ----------------------------------------------------------------------

    def _set_environment(self, env: dict[str, str]) -> None:
        for name, value in env.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def _unset_environment(self, names: tuple[str, ...]) -> None:
        for name in names:
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ.pop(name, None)

    def _restore_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()


def _reset_platform_clients() -> None:
    """The services cache boto3 clients per process; make them pick up the new endpoint."""
    try:
        from shop.platform.aws import reset_clients
    except ImportError:
        return
    reset_clients()
