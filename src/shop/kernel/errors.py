"""Domain errors by kind. The platform maps each kind to an RFC 9457 problem; the
domain only says what went wrong, never which HTTP status that is."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    title = "Domain rule violated"

    def __init__(self, detail: str = "", *, field: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.field = field
        self.extensions: dict[
            str, Any
        ] = {}  # extra members of the problem (RFC 9457), e.g. the order in the way
        self.headers: dict[str, str] = {}  # e.g. the Location or ETag a client needs to recover


class InvalidInput(DomainError):
    """The request is well-formed but a value is not acceptable (400)."""

    title = "Invalid input"


class NotAuthenticated(DomainError):
    """Credentials missing or wrong (401)."""

    title = "Not authenticated"


class Forbidden(DomainError):
    """Authenticated but not allowed (403)."""

    title = "Forbidden"


class NotFound(DomainError):
    """No such resource, or not the caller's (404: never leak existence)."""

    title = "Not found"


class Conflict(DomainError):
    """The resource's state or a uniqueness rule forbids the change (409)."""

    title = "Conflict"


class PreconditionFailed(DomainError):
    """A condition the request set (If-Match) or that stands for it no longer holds;
    nothing was changed (412)."""

    title = "Precondition failed"


class Unprocessable(DomainError):
    """Well-formed but impossible, e.g. checking out an empty cart (422)."""

    title = "Unprocessable request"


class Unavailable(DomainError):
    """A dependency failed; the caller may retry (503)."""

    title = "Service unavailable"
