"""The HTTP side of every service: one resolver per service (platform/routing.py) with pydantic
validation, problem responses for every failure, request ids, and the verified caller."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from botocore.exceptions import ClientError
from pydantic import BaseModel
from pydantic_core import from_json

from shop.kernel.errors import DomainError, Forbidden, NotAuthenticated
from shop.kernel.ids import new_id
from shop.platform.cold_start import ends_cold_start
from shop.platform.context import correlation_id, safe_request_id, set_correlation_id
from shop.platform.observability import enable_tracing, logger
from shop.platform.problems import PROBLEM_CONTENT_TYPE, problem, problem_response, status_of
from shop.platform.routing import HttpResolver, NotFoundError, Query, RequestValidationError, Response
from shop.platform.snapstart import register_restore_hooks
from shop.platform.transaction import TRANSIENT_REASONS, TransactionCancelled

if TYPE_CHECKING:  # its module loads Powertools' whole event handler
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

MAX_BODY_BYTES = 64 * 1024
JSON_MEDIA_TYPE = "application/json"
# The bounds of pydantic-core's parser, which reads every body before the resolver does: the
# standard library's would raise RecursionError or ValueError (a 500) past them.
MAX_JSON_DEPTH = 200
MAX_NUMBER_DIGITS = 4300
_LIMIT_BREACHES = {
    "recursion limit exceeded": f"it is nested deeper than {MAX_JSON_DEPTH} levels",
    "number out of range": f"a number has more than {MAX_NUMBER_DIGITS} digits",
}

# AWS answers that mean "busy, try again": the caller gets a 503 with Retry-After, not a 500.
_TRANSIENT_AWS_ERRORS = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "LimitExceededException",
        "TooManyRequestsException",
    }
)
RETRY_AFTER_SECONDS = "1"

Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=2048, description="Opaque cursor from next_cursor")]


class Caller(NamedTuple):
    user_id: str
    groups: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return "admin" in self.groups


def build_http_app(service: str) -> HttpResolver:
    app = HttpResolver()
    log = logger(service)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[Any]:
        errors = [{"field": error.field, "message": error.detail}] if error.field else None
        response = _problem(
            status_of(error), error.detail, title=error.title, errors=errors, extensions=error.extensions
        )
        response.headers.update(error.headers)
        return response

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[Any]:
        errors = [_field_error(item) for item in error.errors()]
        return _problem(400, "The request is not valid.", errors=errors)

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[Any]:
        return _problem(404, "No such resource.")

    @app.exception_handler(ClientError)
    @app.exception_handler(TransactionCancelled)  # a store's commit without `otherwise=`
    def _aws_error(error: ClientError | TransactionCancelled) -> Response[Any]:
        if not is_transient(error):
            log.exception("unhandled AWS error")
            return _problem(500, "Something went wrong on our side; it has been logged.")
        log.warning("AWS is busy: %s", error)
        response = _problem(503, "The service is busy; retry shortly.")
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response[Any]:
        log.exception("unhandled error")
        return _problem(500, "Something went wrong on our side; it has been logged.")

    return app


def lambda_handler(app: HttpResolver, service: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point: checks what the resolver cannot — who may call the route, then
    the body (size, media type, JSON within bounds) — tags logs and the response with the
    request id, then resolves the route."""
    log = logger(service)
    register_restore_hooks()

    @ends_cold_start
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        enable_tracing()
        headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
        sent = safe_request_id(headers.get("x-request-id"))
        request_id = sent or (event.get("requestContext") or {}).get("requestId")
        set_correlation_id(request_id or new_id())
        log.thread_safe_clear_keys()  # keys of the previous request must not leak into this one
        log.thread_safe_append_keys(request_id=correlation_id(), route=event.get("routeKey"))
        refusal = _reject_unauthorized(event) or _reject_unreadable(event, headers)
        response = refusal or app.resolve(event, context)
        response.setdefault("headers", {})["X-Request-Id"] = correlation_id()
        return response

    return handler


def is_transient(error: ClientError | TransactionCancelled) -> bool:
    """Throttled, or a transaction that lost a race: the same request may well succeed again."""
    if isinstance(error, TransactionCancelled):
        return error.transient
    code = error.response.get("Error", {}).get("Code", "")
    if code in _TRANSIENT_AWS_ERRORS:
        return True
    reasons = error.response.get("CancellationReasons") or []
    return code == "TransactionCanceledException" and any(
        reason.get("Code") in TRANSIENT_REASONS for reason in reasons
    )


def caller(app: HttpResolver) -> Caller:
    """The user the gateway verified; 401 if a route was wired without an authorizer."""
    claims = _claims(app.current_event.raw_event)
    user_id = claims.get("sub")
    if not user_id:
        raise NotAuthenticated("A valid bearer token is required.")
    return Caller(user_id=str(user_id), groups=_groups(claims.get("cognito:groups")))


def authorization(app: HttpResolver) -> str:
    """The caller's own Authorization header, to read another service on their behalf."""
    header = app.current_event.headers.get("authorization")
    if not header:
        raise NotAuthenticated("A valid bearer token is required.")
    return str(header)


def require_admin(app: HttpResolver) -> Caller:
    who = caller(app)
    if not who.is_admin:
        raise Forbidden("This operation needs the admin group.")
    return who


def json_response(
    status: int, body: BaseModel | dict[str, Any] | str, headers: dict[str, str] | None = None
) -> Response[Any]:
    """The one way to answer JSON with a status or headers of its own (a model or dict alone is
    answered 200 by the resolver). The body stays a model so the resolver validates it against
    the route's declared `Response[Model]`; a str is JSON text already and goes out as it is."""
    return Response(status_code=status, content_type=JSON_MEDIA_TYPE, body=body, headers=headers)


def documented(
    success: int,
    description: str,
    problems: Mapping[int, str],
    *codes: int,
    model: Any = None,
    schemas: Mapping[str, dict[str, Any]] | None = None,
) -> dict[int, OpenAPIResponse]:
    """Every route's `responses=`: its success and the problems it can answer, described from
    the service's one table (a route whose problem means something of its own passes
    `{**_PROBLEMS, 404: "No such account"}`; shop_tools.openapi gives every problem the one
    Problem schema). The success's body is the route's return type, or `model` as JSON, or
    `schemas` by media type for an answer that is not a model (an HTML page)."""
    answer: OpenAPIResponse = {"description": description}
    if model is not None:
        answer["content"] = {JSON_MEDIA_TYPE: {"model": model}}
    elif schemas is not None:
        answer["content"] = {media_type: {"schema": schema} for media_type, schema in schemas.items()}
    return {success: answer, **{code: {"description": problems[code]} for code in codes}}


def no_content() -> Response[Any]:
    return Response(status_code=204, body="")


def _problem(status: int, detail: str, **kwargs: Any) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=json.dumps(problem(status, detail, **kwargs)),
    )


def _reject_unreadable(event: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    if len(raw) > MAX_BODY_BYTES:
        return problem_response(413, f"Request bodies are limited to {MAX_BODY_BYTES} bytes.")
    if not raw:  # any method's body is read (DELETE /users/me has one)
        return None
    if not is_json_media_type(headers.get("content-type", "")):
        return problem_response(415, "Send the body as application/json.")
    try:
        raw.decode("utf-8")  # JSON is UTF-8; other bytes reach us base64-encoded
    except UnicodeDecodeError:
        return _not_json("The body is not valid JSON: JSON text is UTF-8.")
    try:
        from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        breach = next((text for key, text in _LIMIT_BREACHES.items() if str(error).startswith(key)), None)
        return _not_json(
            f"The body is not valid JSON: {breach}." if breach else "The body is not valid JSON."
        )
    return None


def _not_json(message: str) -> dict[str, Any]:
    return problem_response(400, "The request is not valid.", errors=[{"field": "body", "message": message}])


def is_json_media_type(content_type: str) -> bool:
    """The one rule for a JSON body: application/json or any structured `+json` type
    (application/merge-patch+json, application/problem+json...), parameters ignored."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _reject_unauthorized(event: dict[str, Any]) -> dict[str, Any] | None:
    """Who may call a route comes before what they sent: a customer on an admin route is
    403 and an anonymous caller 401 whatever the body, as resources.json declares the route."""
    needed = route_auth().get(str(event.get("routeKey")))
    if needed not in {"customer", "admin"}:
        return None
    claims = _claims(event)
    if not claims.get("sub"):
        return problem_response(401, "A valid bearer token is required.", title="Not authenticated")
    if needed == "admin" and "admin" not in _groups(claims.get("cognito:groups")):
        return problem_response(403, "This operation needs the admin group.", title="Forbidden")
    return None


@cache
def route_auth() -> dict[str, str]:
    """Route key → `public|customer|admin`, from the resources.json packaged with every function,
    read as JSON: the typed model (shop.resources) would cost every cold start some 12 ms of
    dataclasses and parsing. A test holds the two equal."""
    raw = json.loads((Path(__file__).parents[1] / "resources.json").read_text(encoding="utf-8"))
    return {
        f"{route['method'].upper()} {route['path']}": route.get("auth", "public")
        for spec in raw["services"].values()
        for route in spec.get("routes", [])
    }


def _claims(event: dict[str, Any]) -> dict[str, Any]:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims") or {}


def _groups(claim: Any) -> frozenset[str]:
    if isinstance(claim, list):
        return frozenset(str(group) for group in claim)
    if isinstance(claim, str):  # API Gateway flattens arrays to "[a b]"
        return frozenset(claim.strip("[]").replace(",", " ").split())
    return frozenset()


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    if item.get("type") == "json_invalid":
        return {"field": "body", "message": "The body is not valid JSON."}
    location = [str(part) for part in item.get("loc", ())]
    if location and location[0] in {"body", "query", "path", "header"}:
        location = location[1:]
    return {"field": ".".join(location) or "body", "message": str(item.get("msg", "invalid"))}
