"""RFC 9457 problem details: the one vocabulary of problem types (the same from the gateway
and the handlers), the builder, and the HTTP status of each kind of domain error."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, NamedTuple

from shop.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PreconditionFailed,
    Unavailable,
    Unprocessable,
)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "/problems/"  # relative: resolves against the API's own base URL, where meta serves each page


class ProblemType(NamedTuple):
    status: int
    slug: str
    title: str
    meaning: str  # when a client gets it and what to do about it

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


PROBLEM_TYPES: tuple[ProblemType, ...] = (
    ProblemType(
        400,
        "bad-request",
        "Bad Request",
        "The request is malformed (not JSON, a bad header) or a field is invalid; `errors` names each "
        "offending field. Fix the request: sent again unchanged it fails again.",
    ),
    ProblemType(
        401,
        "unauthorized",
        "Unauthorized",
        "No bearer token, or one that is invalid or expired, on a route that needs one; or wrong "
        "credentials at login. Log in (or refresh the token) and retry.",
    ),
    ProblemType(
        403,
        "forbidden",
        "Forbidden",
        "The token is valid but its user may not do this (admin routes need the `admin` group).",
    ),
    ProblemType(
        404,
        "not-found",
        "Not Found",
        "No such route or resource, or one that belongs to someone else (the API never tells which).",
    ),
    ProblemType(
        405,
        "method-not-allowed",
        "Method Not Allowed",
        "The path exists but not with this method; the `Allow` header lists the methods it has.",
    ),
    ProblemType(
        409,
        "conflict",
        "Conflict",
        "The resource is not in a state that allows this (an order already shipped, a SKU taken, an "
        "Idempotency-Key reused with another body, a concurrent change). Read it again before retrying.",
    ),
    ProblemType(
        408,
        "request-timeout",
        "Request Timeout",
        "The request body stopped arriving: the gateway waits a few seconds for each part of it, "
        "then answers this and closes the connection. Send the request again, whole.",
    ),
    ProblemType(
        412,
        "precondition-failed",
        "Precondition Failed",
        "What the request was conditional on no longer holds: `If-Match` names a version the resource "
        "no longer has, or (checkout without `If-Match`) a price rose since the line was added. Nothing "
        "was changed. Read the resource again (the `ETag` header is its version now) and decide.",
    ),
    ProblemType(
        413,
        "content-too-large",
        "Content Too Large",
        "The request body is over 64 KiB.",
    ),
    ProblemType(
        414,
        "uri-too-long",
        "URI Too Long",
        "The request line is too long for the gateway: send fewer or shorter query parameters.",
    ),
    ProblemType(
        415,
        "unsupported-media-type",
        "Unsupported Media Type",
        "A request body must be `application/json` (UTF-8).",
    ),
    ProblemType(
        422,
        "unprocessable-content",
        "Unprocessable Content",
        "Well-formed but impossible now, e.g. checking out an empty cart or a 51st cart line.",
    ),
    ProblemType(
        429,
        "too-many-requests",
        "Too Many Requests",
        "The route's rate limit is exceeded; wait as long as `Retry-After` says (seconds), then retry.",
    ),
    ProblemType(
        431,
        "request-header-fields-too-large",
        "Request Header Fields Too Large",
        "A header, or all of them together, is too large for the gateway.",
    ),
    ProblemType(
        500,
        "internal-server-error",
        "Internal Server Error",
        "A fault on the server side, logged under the response's `X-Request-Id`: report that id.",
    ),
    ProblemType(
        503,
        "service-unavailable",
        "Service Unavailable",
        "A service (or one it depends on) is busy or not answering; retry after `Retry-After` "
        "seconds if given. Retrying `POST /orders` with the same `Idempotency-Key` is safe.",
    ),
)
_BY_STATUS = {problem_type.status: problem_type for problem_type in PROBLEM_TYPES}

_STATUS_BY_KIND: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 400),
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (PreconditionFailed, 412),
    (Unprocessable, 422),
    (Unavailable, 503),
)


def status_of(error: DomainError) -> int:
    for kind, status in _STATUS_BY_KIND:
        if isinstance(error, kind):
            return status
    return 400


def problem_type_of(slug: str) -> ProblemType | None:
    return next((problem_type for problem_type in PROBLEM_TYPES if problem_type.slug == slug), None)


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`type` names the class of problem (one per status); `title` may name the rule that
    failed more precisely (e.g. "Invalid cursor"). A status outside the vocabulary is
    `about:blank`, as RFC 9457 allows."""
    known = _BY_STATUS.get(status)
    body: dict[str, Any] = {
        "type": known.uri if known else "about:blank",
        "title": title or (known.title if known else HTTPStatus(status).phrase),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return {**(extensions or {}), **body}


def problem_response(status: int, detail: str, **kwargs: Any) -> dict[str, Any]:
    """A whole API Gateway proxy response, for failures before any route runs."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": PROBLEM_CONTENT_TYPE},
        "body": json.dumps(problem(status, detail, **kwargs)),
    }
