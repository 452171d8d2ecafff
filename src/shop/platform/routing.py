"""A lean HTTP resolver with the decorator API of Powertools' `APIGatewayHttpResolver`.

Powertools' event handler imports its whole OpenAPI machinery (the `params` module, asyncio,
the AppSync resolver) to validate a request: 75-105 ms of every cold start, 1.7-2.2x the
boto3 floor (README, "Cold start"). This resolver answers as Powertools does with
`enable_validation=True` — the same routing, the same pydantic validation of path, query,
header and body (same error types and locations), the same serialization of the declared
return type, cache control and gzip — and builds each route's validators on its first call.
An answer off its declared type raises ResponseValidationError, as Powertools' does with
`response_validation_error_http_code` set: a fault of ours, not the request's.
scripts/openapi.py feeds the same declarations to Powertools at build time, so the OpenAPI
document is still Powertools'.
"""

from __future__ import annotations

import base64
import inspect
import json
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Generic, NamedTuple, TypeVar, get_args, get_origin, get_type_hints
from urllib.parse import parse_qs, unquote

from pydantic import Field, TypeAdapter, ValidationError

T = TypeVar("T")
_JSON = "application/json"
# Powertools' route pattern: a `<name>` segment matches these characters (RFC 3986, lenient)
_SEGMENT = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"
_DYNAMIC = re.compile(r"<(\w+)>")


class Param:
    """A parameter's source and its pydantic constraints (`Query(ge=1, description=...)`)."""

    location = ""

    def __init__(self, default: Any = ..., **constraints: Any) -> None:
        self.default = default
        self.constraints = constraints

    @property
    def alias(self) -> str | None:
        return self.constraints.get("alias")

    def field(self) -> Any:
        """The constraints as pydantic reads them; the alias is where the value is looked up."""
        return Field(**{name: value for name, value in self.constraints.items() if name != "alias"})


class Query(Param):
    location = "query"


class Header(Param):
    location = "header"


class Path(Param):
    location = "path"


class Body(Param):
    location = "body"


class Response(Generic[T]):
    """What a route answers when a status, media type or headers other than 200 JSON are needed."""

    def __init__(
        self,
        status_code: int,
        content_type: str | None = None,
        body: T | None = None,
        headers: Mapping[str, str] | None = None,
        compress: bool | None = None,
    ) -> None:
        self.status_code = status_code
        self.body: Any = body
        self.headers: dict[str, str] = dict(headers) if headers else {}
        self.compress = compress
        if content_type:
            self.headers.setdefault("Content-Type", content_type)

    def is_json(self) -> bool:
        return self.headers.get("Content-Type", "").startswith(_JSON)


class ValidationException(Exception):
    """Something broke a declared constraint; `errors()` as pydantic lists them."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


class RequestValidationError(ValidationException):
    """The request broke a declared constraint: the client's mistake."""


class ResponseValidationError(ValidationException):
    """The answer broke the route's declared type: our fault, never the client's (Powertools
    raises it when `response_validation_error_http_code` is set)."""


class NotFoundError(Exception):
    """No route has this method and path."""


class HttpEvent:
    """The parts of an API Gateway HTTP API (payload 2.0) event the routes read."""

    def __init__(self, event: dict[str, Any]) -> None:
        self.raw_event = event

    @cached_property
    def headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in (self.raw_event.get("headers") or {}).items()}

    @cached_property
    def decoded_body(self) -> str | None:
        body: str | None = self.raw_event.get("body")
        if self.raw_event.get("isBase64Encoded") and body:
            return base64.b64decode(body.encode()).decode()
        return body

    @property
    def method(self) -> str:
        return str(self.raw_event["requestContext"]["http"]["method"]).upper()

    @property
    def path_parameters(self) -> dict[str, str]:
        """The route's values percent-decoded by API Gateway (rawPath keeps the client's encoding)."""
        return dict(self.raw_event.get("pathParameters") or {})

    @property
    def path(self) -> str:
        stage = self.raw_event["requestContext"].get("stage", "$default")
        raw_path = str(self.raw_event["rawPath"])
        return raw_path if stage == "$default" else raw_path[len("/" + stage) :]


class _Parameter(NamedTuple):
    name: str
    location: str
    alias: str
    required: bool
    default: Any
    adapter: TypeAdapter[Any]


@dataclass
class Route:
    method: str
    rule: str
    func: Callable[..., Any]
    options: dict[str, Any]
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        named = _DYNAMIC.sub(lambda found: f"(?P<{found[1]}>{_SEGMENT})", self.rule)
        self.pattern = re.compile(f"^{named}$")

    @property
    def openapi_path(self) -> str:
        """The path as API Gateway's route key and OpenAPI write it: `/products/{product_id}`."""
        return _DYNAMIC.sub(r"{\1}", self.rule)

    @cached_property
    def parameters(self) -> list[_Parameter]:
        """The handler's parameters as Powertools reads them; built on the route's first call."""
        hints = get_type_hints(self.func, include_extras=True)
        path_names = set(_DYNAMIC.findall(self.rule))
        parameters = []
        for name, declared in inspect.signature(self.func).parameters.items():
            annotation = hints.get(name, Any)
            marker = _marker(annotation) or (Path() if name in path_names else Query())
            default = marker.default if declared.default is inspect.Parameter.empty else declared.default
            alias = marker.alias or (name.replace("_", "-") if isinstance(marker, Header) else name)
            parameters.append(
                _Parameter(
                    name=name,
                    location=marker.location,
                    alias=alias.lower() if isinstance(marker, Header) else alias,
                    required=default is ...,
                    default=default,
                    adapter=TypeAdapter(Annotated[_bare(annotation), marker.field()]),  # type: ignore[arg-type]
                )
            )
        return parameters

    @cached_property
    def answer_type(self) -> Any:
        """The declared return type (`Response[X]` declares X) the answer is checked against."""
        annotation = get_type_hints(self.func, include_extras=True).get("return", Any)
        return get_args(annotation)[0] if get_origin(annotation) is Response else annotation

    @cached_property
    def answer(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.answer_type)


class HttpResolver:
    """Routes registered with `@app.get(path, ...)`; `resolve(event, context)` answers one."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._handlers: dict[type[Exception], Callable[[Any], Response[Any]]] = {}
        self.current_event = HttpEvent({})
        self.lambda_context: Any = None

    def route(self, rule: str, method: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def register(func: Callable[..., T]) -> Callable[..., T]:
            self.routes.append(Route(method.upper(), rule, func, options))
            return func

        return register

    def get(self, rule: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self.route(rule, "GET", **options)

    def post(self, rule: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self.route(rule, "POST", **options)

    def put(self, rule: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self.route(rule, "PUT", **options)

    def patch(self, rule: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self.route(rule, "PATCH", **options)

    def delete(self, rule: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self.route(rule, "DELETE", **options)

    def exception_handler(
        self, kind: type[Exception]
    ) -> Callable[[Callable[[Any], Response[Any]]], Callable[[Any], Response[Any]]]:
        def register(func: Callable[[Any], Response[Any]]) -> Callable[[Any], Response[Any]]:
            self._handlers[kind] = func
            return func

        return register

    def not_found(self, func: Callable[[Any], Response[Any]]) -> Callable[[Any], Response[Any]]:
        return self.exception_handler(NotFoundError)(func)

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.current_event = request = HttpEvent(event)
        self.lambda_context = context
        route, arguments = self._match(request)
        try:
            if route is None:
                raise NotFoundError()
            response = self._call(route, arguments, request)
        except Exception as error:
            kind = next((kind for kind in type(error).__mro__ if kind in self._handlers), None)
            if kind is None:
                raise
            response = self._handlers[kind](error)
        return _built(response, route, request)

    def _match(self, request: HttpEvent) -> tuple[Route | None, dict[str, str]]:
        # static routes first, then dynamic ones, each in the order registered (as Powertools)
        method, path = request.method, request.path
        ordered = sorted(self.routes, key=lambda route: "<" in route.rule)
        for route in ordered:
            if route.method == method and (found := route.pattern.match(path)):
                # the raw path picks the route, the decoded values fill it; a route API Gateway
                # did not match (none in a deployment) decodes its own
                delivered = request.path_parameters
                return route, {
                    name: delivered[name] if name in delivered else unquote(raw)
                    for name, raw in found.groupdict().items()
                }
        return None, {}

    def _call(self, route: Route, path_values: dict[str, str], request: HttpEvent) -> Response[Any]:
        values, errors = _arguments(route, path_values, request)
        if errors:
            raise RequestValidationError(errors)
        result = route.func(**values)
        status = route.options.get("status_code", 200)
        response = result if isinstance(result, Response) else Response(status, _JSON, result)
        content = response.body
        if response.body == "" and route.answer_type in (None, type(None)):
            content = None  # Response[None] answers "" (no body): Powertools validates it as None
        try:
            valid = route.answer.validate_python(content, from_attributes=True)
        except ValidationError as error:
            raise ResponseValidationError(_located(error, ("response",))) from error
        response.body = route.answer.dump_python(valid, mode="json", by_alias=True)
        return response


def _arguments(
    route: Route, path_values: dict[str, str], request: HttpEvent
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Each parameter validated where it comes from; errors in Powertools' order: path, query,
    header, then body."""
    sources = {
        "path": path_values,
        "query": _query(request),
        "header": request.headers,
    }
    values: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for location in ("path", "query", "header", "body"):
        for parameter in (p for p in route.parameters if p.location == location):
            if location == "body":
                loc: tuple[str, ...] = ("body",)
                received = _json_body(request)
                if isinstance(received, list) and received:
                    received = received[0]  # Powertools' reading of a (form) list for a model body
            else:
                loc = (location, parameter.alias)
                received = sources[location].get(parameter.alias)
            if received is None:
                if parameter.required:
                    errors.append({"type": "missing", "loc": loc, "msg": "Field required", "input": None})
                else:
                    values[parameter.name] = parameter.default
                continue
            try:
                values[parameter.name] = parameter.adapter.validate_python(received, from_attributes=True)
            except ValidationError as error:
                errors.extend(_located(error, loc))
    return values, errors


def _query(request: HttpEvent) -> dict[str, Any]:
    """API Gateway joins a repeated name's values with commas; Powertools splits those back
    into a list (which a scalar parameter refuses) and leaves other commas alone."""
    raw = request.raw_event.get("rawQueryString")
    repeated = {
        name for name, values in parse_qs(raw or "", keep_blank_values=True).items() if len(values) > 1
    }
    return {
        name: value.split(",") if name in repeated else value
        for name, value in (request.raw_event.get("queryStringParameters") or {}).items()
    }


def _json_body(request: HttpEvent) -> Any:
    try:
        body = request.decoded_body
        if not body:
            return None
        return json.loads(body)
    except UnicodeDecodeError as error:  # base64 bytes that are no JSON text (JSON is UTF-8)
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", error.start), "msg": "JSON decode error", "input": {}}]
        ) from error
    except json.JSONDecodeError as error:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", error.pos), "msg": "JSON decode error", "input": {}}]
        ) from error
    except (ValueError, RecursionError) as error:  # a number past 4300 digits, nesting past the stack
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error", "input": {}}]
        ) from error


def _located(error: ValidationError, prefix: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{**item, "loc": prefix + tuple(item["loc"])} for item in error.errors()]


def _marker(annotation: Any) -> Param | None:
    if get_origin(annotation) is Annotated:
        return next((meta for meta in get_args(annotation)[1:] if isinstance(meta, Param)), None)
    return None


def _bare(annotation: Any) -> Any:
    """The type without our marker (pydantic would not know what to make of it)."""
    if get_origin(annotation) is not Annotated:
        return annotation
    inner, *metadata = get_args(annotation)
    kept = [meta for meta in metadata if not isinstance(meta, Param)]
    return Annotated[(inner, *kept)] if kept else inner


def _built(response: Response[Any], route: Route | None, request: HttpEvent) -> dict[str, Any]:
    """The payload 2.0 answer, as Powertools' ResponseBuilder makes it."""
    body = response.body
    if response.is_json() and not isinstance(body, str):
        body = json.dumps(body, separators=(",", ":"))
    options = route.options if route else {}
    if cache_control := options.get("cache_control"):
        response.headers["Cache-Control"] = cache_control if response.status_code == 200 else "no-cache"
    compress = response.compress if response.compress is not None else options.get("compress", False)
    if compress and body is not None and "gzip" in request.headers.get("accept-encoding", ""):
        response.headers["Content-Encoding"] = "gzip"
        gzip = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        raw = body.encode() if isinstance(body, str) else body
        body = gzip.compress(raw) + gzip.flush()
    encoded = isinstance(body, bytes)
    return {
        "statusCode": response.status_code,
        "body": base64.b64encode(body).decode() if encoded else body,
        "isBase64Encoded": encoded,
        "headers": dict(response.headers),
        "cookies": [],
    }
