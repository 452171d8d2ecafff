"""CORS as API Gateway HTTP API does it once `cors_configuration` is set: it answers every
preflight itself (204, whatever the route), and adds Access-Control-Allow-Origin and
-Expose-Headers to every answer for an allowed origin. Other origins get no CORS headers,
so a browser keeps the answer from the page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from shop.resources import CorsSettings, load_resources

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class CorsPolicy:
    allow_origins: tuple[str, ...]  # exact origins; a `*` in one matches any port
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age_seconds: int

    @classmethod
    def for_local_stack(cls, settings: CorsSettings) -> CorsPolicy:
        """What `make run` allows: the local origins, with the deployment's other settings."""
        return cls(
            allow_origins=settings.local_allow_origins,
            allow_methods=settings.allow_methods,
            allow_headers=settings.allow_headers,
            expose_headers=settings.expose_headers,
            max_age_seconds=settings.max_age_seconds,
        )

    def allows(self, origin: str) -> bool:
        return any(_origin_pattern(allowed).fullmatch(origin) for allowed in self.allow_origins)

    def preflight(self, method: str, headers: Iterable[tuple[str, str]]) -> Headers | None:
        """The headers of the 204 answering a preflight (none for an origin not allowed), or
        None when the request is not a preflight and goes to its route."""
        lowered = {name.lower(): value for name, value in headers}
        origin = lowered.get("origin")
        if method != "OPTIONS" or not origin or "access-control-request-method" not in lowered:
            return None
        if not self.allows(origin):
            return [("Vary", "Origin")]
        return [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", ",".join(self.allow_methods)),
            ("Access-Control-Allow-Headers", ",".join(self.allow_headers)),
            ("Access-Control-Max-Age", str(self.max_age_seconds)),
            ("Vary", "Origin"),
        ]

    def response_headers(self, headers: Iterable[tuple[str, str]]) -> Headers:
        """What an answer to a request with this request's headers gains."""
        origin = next((value for name, value in headers if name.lower() == "origin"), None)
        if origin is None or not self.allows(origin):
            return []
        added = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        if self.expose_headers:
            added.append(("Access-Control-Expose-Headers", ",".join(self.expose_headers)))
        return added


@cache
def _origin_pattern(allowed: str) -> re.Pattern[str]:
    return re.compile("[0-9]+".join(re.escape(part) for part in allowed.split("*")))


@cache
def local_policy() -> CorsPolicy:
    """The policy of the packaged resources.json for the local stack."""
    settings = load_resources().cors
    if settings is None:  # a description without the section: no origin is allowed
        return CorsPolicy((), (), (), (), 0)
    return CorsPolicy.for_local_stack(settings)
