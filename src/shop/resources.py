"""The one resource description (`shop/resources.json`), typed: read by the platform (who may call a
route), the local stack, the tools and the Terraform tests, the same way Terraform reads it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

REGION = "us-east-1"
NAME_PREFIX = "shop"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    auth: str
    service: str
    handler: str

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Service:
    name: str
    http_handler: str | None
    events_handler: str | None
    has_table: bool
    stream: bool
    consumes: tuple[str, ...]
    routes: tuple[Route, ...]
    publishes: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()  # the services whose HTTP API it reads (it gets SHOP_API_URL)
    uses_identity: bool = False  # the Cognito user pool (it gets USER_POOL_ID)

    @property
    def table_name(self) -> str:
        return f"{NAME_PREFIX}-{self.name}"

    @property
    def queue_name(self) -> str:
        return f"{NAME_PREFIX}-{self.name}-events"

    @property
    def dlq_name(self) -> str:
        return f"{self.queue_name}-dlq"


@dataclass(frozen=True)
class QueueDefaults:
    batch_size: int
    visibility_timeout_seconds: int
    max_receive_count: int
    message_retention_seconds: int


@dataclass(frozen=True)
class IndexSpec:
    name: str
    hash_key: str
    range_key: str


@dataclass(frozen=True)
class TableDefaults:
    hash_key: str
    range_key: str
    ttl_attribute: str
    indexes: tuple[IndexSpec, ...]


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: `burst` requests at once, refilled at `rate` per second."""

    burst: int
    rate: float


@dataclass(frozen=True)
class ClientLimit:
    """An AWS WAF rate-based rule: at most `limit` requests from one client address in any
    `window_seconds` (WAF's evaluation window: 60, 120, 300 or 600)."""

    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Throttling:
    """The `throttling` section: a default limit and per-route overrides (route key → limit),
    the backstops of all callers together; and per-client limits by route key."""

    default: RateLimit
    routes: tuple[tuple[str, RateLimit], ...]
    per_client: tuple[tuple[str, ClientLimit], ...] = ()

    def limit_for(self, route_key: str) -> RateLimit:
        return dict(self.routes).get(route_key, self.default)

    def client_limit_for(self, route_key: str) -> ClientLimit | None:
        return dict(self.per_client).get(route_key)


@dataclass(frozen=True)
class CorsSettings:
    """The `cors` section: what a deployment allows (`allow_origins`) and what the local stack
    allows instead (`local_allow_origins`, a `*` matching any port)."""

    allow_origins: tuple[str, ...]
    local_allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age_seconds: int


@dataclass(frozen=True)
class Resources:
    events_topic: str
    notifications_topic: str
    queue_defaults: QueueDefaults
    table_defaults: TableDefaults
    relay_handler: str
    relay_tables: tuple[str, ...]
    services: tuple[Service, ...]
    throttling: Throttling | None = None  # None: a description without the section, no limits
    cors: CorsSettings | None = None  # None: a description without the section, no CORS

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(route for service in self.services for route in service.routes)

    @property
    def table_services(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.has_table)

    @property
    def consumers(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.consumes and s.events_handler)

    def service(self, name: str) -> Service:
        for candidate in self.services:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def events_topic_name(self) -> str:
        return f"{NAME_PREFIX}-{self.events_topic}"

    @property
    def notifications_topic_name(self) -> str:
        return f"{NAME_PREFIX}-{self.notifications_topic}"


def load_resources(path: Path | str | None = None) -> Resources:
    """Parse resources.json: the packaged one, or `path` (tests inject their own)."""
    if path is None:
        text = importlib_resources.files("shop").joinpath("resources.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return parse_resources(json.loads(text))


def parse_resources(raw: dict[str, Any]) -> Resources:
    services = []
    for name, spec in raw["services"].items():
        http_handler = spec.get("http_handler")
        routes = tuple(
            Route(
                method=route["method"].upper(),
                path=route["path"],
                auth=route.get("auth", "public"),
                service=name,
                handler=http_handler or "",
            )
            for route in spec.get("routes", [])
        )
        table = spec.get("table")
        services.append(
            Service(
                name=name,
                http_handler=http_handler,
                events_handler=spec.get("events_handler"),
                has_table=table is not None,
                stream=bool(table and table.get("stream")),
                consumes=tuple(spec.get("consumes", [])),
                routes=routes,
                publishes=tuple(spec.get("publishes", [])),
                calls=tuple(spec.get("calls", [])),
                uses_identity=bool(spec.get("uses_identity")),
            )
        )
    queue = raw["queue_defaults"]
    table_defaults = raw["table_defaults"]
    relay = raw.get("outbox_relay") or {}
    return Resources(
        events_topic=raw["events_topic"],
        notifications_topic=raw["notifications_topic"],
        queue_defaults=QueueDefaults(
            batch_size=int(queue["batch_size"]),
            visibility_timeout_seconds=int(queue["visibility_timeout_seconds"]),
            max_receive_count=int(queue["max_receive_count"]),
            message_retention_seconds=int(queue["message_retention_seconds"]),
        ),
        table_defaults=TableDefaults(
            hash_key=table_defaults["hash_key"],
            range_key=table_defaults["range_key"],
            ttl_attribute=table_defaults["ttl_attribute"],
            indexes=tuple(
                IndexSpec(name=i["name"], hash_key=i["hash_key"], range_key=i["range_key"])
                for i in table_defaults.get("indexes", [])
            ),
        ),
        relay_handler=relay.get("handler", ""),
        relay_tables=tuple(relay.get("tables", [])),
        services=tuple(services),
        throttling=_throttling(raw.get("throttling")),
        cors=_cors(raw.get("cors")),
    )


def _cors(raw: dict[str, Any] | None) -> CorsSettings | None:
    if raw is None:
        return None
    return CorsSettings(
        allow_origins=tuple(raw.get("allow_origins", [])),
        local_allow_origins=tuple(raw.get("local_allow_origins", [])),
        allow_methods=tuple(raw.get("allow_methods", [])),
        allow_headers=tuple(raw.get("allow_headers", [])),
        expose_headers=tuple(raw.get("expose_headers", [])),
        max_age_seconds=int(raw.get("max_age_seconds", 0)),
    )


def _throttling(raw: dict[str, Any] | None) -> Throttling | None:
    if raw is None:
        return None

    def limit(spec: dict[str, Any]) -> RateLimit:
        return RateLimit(burst=int(spec["burst"]), rate=float(spec["rate"]))

    routes = tuple((key, limit(spec)) for key, spec in raw.get("routes", {}).items())
    per_client = tuple(
        (key, ClientLimit(limit=int(spec["limit"]), window_seconds=int(spec["window_seconds"])))
        for key, spec in raw.get("per_client", {}).items()
    )
    return Throttling(default=limit(raw["default"]), routes=routes, per_client=per_client)
