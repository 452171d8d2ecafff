"""Match a request to a route of resources.json the way API Gateway HTTP APIs do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from shop.resources import Route

_PARAM = re.compile(r"^\{([A-Za-z0-9_]+)(\+?)\}$")


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class MethodNotAllowed:
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class _Compiled:
    route: Route
    pattern: re.Pattern[str]
    specificity: tuple[int, int]  # literal segments first, then fewer greedy params


class Router:
    def __init__(self, routes: tuple[Route, ...]) -> None:
        compiled = [_compile(route) for route in routes]
        # API Gateway prefers the most specific route: literal segments beat `{param}`.
        self._routes = sorted(compiled, key=lambda c: c.specificity, reverse=True)

    def match(self, method: str, path: str) -> Match | MethodNotAllowed | None:
        allowed: list[str] = []
        for candidate in self._routes:
            found = candidate.pattern.match(path)
            if found is None:
                continue
            if candidate.route.method in (method.upper(), "ANY"):
                params = {name: unquote(value) for name, value in found.groupdict().items()}
                return Match(candidate.route, params)
            if candidate.route.method not in allowed:
                allowed.append(candidate.route.method)
        if allowed:
            return MethodNotAllowed(tuple(allowed))
        return None


def _compile(route: Route) -> _Compiled:
    parts = []
    literals = 0
    greedy = 0
    for segment in route.path.strip("/").split("/"):
        param = _PARAM.match(segment)
        if param is None:
            parts.append(re.escape(segment))
            literals += 1
        elif param.group(2):
            parts.append(f"(?P<{param.group(1)}>.+)")
            greedy += 1
        else:
            parts.append(f"(?P<{param.group(1)}>[^/]+)")
    pattern = re.compile("^/" + "/".join(parts) + "$")
    return _Compiled(route=route, pattern=pattern, specificity=(literals, -greedy))
