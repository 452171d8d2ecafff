"""The local API gateway: HTTP requests in, API Gateway HTTP API (payload 2.0) events to the
same handler functions Lambda calls, their results back out as HTTP responses."""

from __future__ import annotations

import base64
import io
import json
import logging
import math
import re
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from shop.local.edge.cors import CorsPolicy, local_policy
from shop.local.edge.gateway_problems import PROBLEM_CONTENT_TYPE, problem_body
from shop.local.edge.jwt_verifier import InvalidToken, JwtVerifier, stringify_claims
from shop.local.edge.loopback import is_loopback_host
from shop.local.edge.route_table import Match, MethodNotAllowed, Router
from shop.local.edge.throttling import Throttle
from shop.local.runtime.lambda_runtime import (
    ACCOUNT_ID,
    FunctionError,
    HandlerUnavailable,
    Runtime,
    Throttled,
)
from shop.platform.context import safe_request_id
from shop.resources import Route

log = logging.getLogger(__name__)
access_log = logging.getLogger("shop.local.access")

MAX_BODY_BYTES = 64 * 1024
_DRAIN_LIMIT = 8 * 1024 * 1024  # read (and discard) an oversized body up to this, so the client sees the 413
# A chunk size is hex digits only (no sign, no spaces, no 0x), at most 8 of them (RFC 9112 §7.1),
# optionally followed by extensions.
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,8})[ \t]*(?:;[^\r\n]*)?\r?\n")
_MAX_LINE = 1024  # a chunk-size or trailer line
_MAX_HEAD_LINE = 65536  # a request or header line, as the base class reads them
_MAX_TRAILERS = 32
READ_TIMEOUT_SECONDS = 10.0  # a connection that sends nothing for this long is answered 408 and closed
_TEXT_TYPES = ("text/", "json", "xml", "javascript", "x-www-form-urlencoded", "yaml")
_AUTHORIZED = ("customer", "admin")
API_ID = "local"
INTEGRATION_TIMEOUT_SECONDS = 29.0  # API Gateway's limit for a Lambda integration
HEALTH_PATH = "/health"
LOCAL_PREFIX = "/_local/"  # the embedded stack's own pages (edge/local_pages.py), never a route


class HttpResponse:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def problem_response(status: int, detail: str, headers: Iterable[tuple[str, str]] = ()) -> HttpResponse:
    return HttpResponse(
        status, [("Content-Type", PROBLEM_CONTENT_TYPE), *headers], problem_body(status, detail)
    )


class Gateway:
    """Routing, authorization, event building and handler invocation: everything but the socket."""

    def __init__(
        self,
        routes: tuple[Route, ...],
        verifier: JwtVerifier | None = None,
        on_write: Callable[[], None] | None = None,
        runtime: Runtime | None = None,
        throttle: Throttle | None = None,
        *,
        cors: CorsPolicy | None = None,
        local_pages: Callable[[str, str, str, dict[str, str]], HttpResponse] | None = None,
    ) -> None:
        self.router = Router(routes)
        self.local_pages = local_pages  # answers /_local/ (the embedded stack's own pages), if given
        self.cors = cors or local_policy()  # as `make run` allows: resources.json's local origins
        self.throttle = throttle  # None: no rate limits (API Gateway's stage route throttling)
        self.verifier = verifier
        self.runtime = runtime or Runtime()
        self.domain_name = "127.0.0.1"
        self.on_write = on_write  # e.g. wake the outbox relay: a write may have added an outbox record

    def handle(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str = "127.0.0.1",
    ) -> HttpResponse:
        request_id = str(uuid.uuid4())
        preflight = self.cors.preflight(method, headers)
        if preflight is not None:  # answered before routing, for any path, as API Gateway does
            response = HttpResponse(204, preflight, b"")
        else:
            response = self._route(method, target, headers, body, source_ip, request_id=request_id)
            response.headers += self.cors.response_headers(headers)
        add_request_id(response, headers, request_id)
        return response

    def _route(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str,
        *,
        request_id: str,
    ) -> HttpResponse:
        raw_path, _, raw_query = target.partition("?")
        if self.local_pages is not None and raw_path.startswith(LOCAL_PREFIX):
            return self.local_pages(method, raw_path, raw_query, _lower_headers(headers))
        matched = self.router.match(method, raw_path)
        if matched is None:
            return problem_response(404, f"No route for {method} {raw_path}.")
        if isinstance(matched, MethodNotAllowed):
            return problem_response(
                405,
                f"{method} is not allowed on {raw_path}.",
                [("Allow", ", ".join(matched.allowed))],
            )
        wait = self.throttle.admit(matched.route.route_key, source_ip) if self.throttle is not None else 0.0
        if wait:
            return problem_response(
                429, "Too many requests to this route; retry later.", [("Retry-After", str(math.ceil(wait)))]
            )
        lowered = _lower_headers(headers)
        authorizer: dict[str, Any] | None = None
        if matched.route.auth in _AUTHORIZED:
            try:
                authorizer = self._authorize(lowered.get("authorization"))
            except InvalidToken as exc:
                return problem_response(
                    401,
                    f"A valid access token is required: {exc}.",
                    [("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{exc}"')],
                )
        event = self.build_event(
            method=method,
            raw_path=raw_path,
            raw_query=raw_query,
            headers=lowered,
            body=body,
            matched=matched,
            request_id=request_id,
            source_ip=source_ip,
            authorizer=authorizer,
        )
        response = self._invoke(matched.route, event)
        if method not in ("GET", "HEAD") and self.on_write is not None:
            self.on_write()
        return response

    def _authorize(self, authorization: str | None) -> dict[str, Any]:
        if self.verifier is None:
            raise InvalidToken("no identity provider configured")
        claims = self.verifier.verify(authorization)
        scope = claims.get("scope")
        return {
            "jwt": {
                "claims": stringify_claims(claims),
                "scopes": scope.split() if isinstance(scope, str) and scope else None,
            },
        }

    def build_event(
        self,
        *,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: dict[str, str],
        body: bytes,
        matched: Match,
        request_id: str,
        source_ip: str,
        authorizer: dict[str, Any] | None,
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        headers = dict(headers)
        cookie_header = headers.pop("cookie", None)
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": matched.route.route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query,
            "headers": headers,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": API_ID,
                "domainName": self.domain_name,
                "domainPrefix": self.domain_name.split(".")[0],
                "http": {
                    "method": method,
                    "path": raw_path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": source_ip,
                    "userAgent": headers.get("user-agent", ""),
                },
                "requestId": request_id,
                "routeKey": matched.route.route_key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": False,
        }
        if cookie_header:
            event["cookies"] = [c.strip() for c in cookie_header.split(";") if c.strip()]
        query = _query_parameters(raw_query)
        if query:
            event["queryStringParameters"] = query
        if matched.path_parameters:
            event["pathParameters"] = matched.path_parameters
        if authorizer is not None:
            event["requestContext"]["authorizer"] = authorizer
        if body:
            text = _as_text(body, headers.get("content-type", ""))
            if text is None:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
            else:
                event["body"] = text
        return event

    def _invoke(self, route: Route, event: dict[str, Any]) -> HttpResponse:
        """What API Gateway answers for each outcome of a Lambda integration, as a problem."""
        try:
            result = self.runtime.invoke(
                route.handler,
                event,
                timeout_seconds=INTEGRATION_TIMEOUT_SECONDS,
                wait_seconds=INTEGRATION_TIMEOUT_SECONDS,
            )
        except HandlerUnavailable as exc:
            log.warning("%s: the %s service is not available: %s", route.route_key, route.service, exc)
            return problem_response(503, f"The {route.service} service is not available.")
        except Throttled as exc:
            log.warning("%s: throttled: %s", route.route_key, exc)
            return problem_response(429, "Too many requests; retry later.", [("Retry-After", "1")])
        except FunctionError as exc:
            log.error("%s: %s failed: %s", route.route_key, route.handler, exc.error_type)
            if exc.error_type == "Sandbox.Timedout":  # an HTTP API's answer to an integration timeout
                return problem_response(503, "The service did not answer in time.", [("Retry-After", "1")])
            return problem_response(500, "Internal Server Error")
        try:
            return _to_http(result)
        except (TypeError, ValueError, KeyError):
            log.exception("%s: %s returned a malformed response", route.route_key, route.handler)
            return problem_response(500, "Internal Server Error")


def add_request_id(response: HttpResponse, headers: Iterable[tuple[str, str]], request_id: str) -> None:
    """Every answer carries X-Request-Id: the function's own, else the client's if it is a short
    token of safe characters, else `request_id` (never an unsafe client value echoed)."""
    if response.header("X-Request-Id") is None:
        sent = next((value for name, value in headers if name.lower() == "x-request-id"), None)
        response.headers.append(("X-Request-Id", safe_request_id(sent) or request_id))


def _lower_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    lowered: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    return lowered


def _query_parameters(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def _as_text(body: bytes, content_type: str) -> str | None:
    lowered = content_type.lower()
    if lowered and not any(marker in lowered for marker in _TEXT_TYPES):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _to_http(result: Any) -> HttpResponse:
    """Interpret a handler's result as API Gateway does for payload format 2.0."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # A bare value: API Gateway answers 200 with it as JSON.
        text = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("Content-Type", "application/json")], text.encode("utf-8"))
    status = int(result["statusCode"])
    headers: list[tuple[str, str]] = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(str(name), str(value)) for value in values]
    headers += [("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or []]
    raw_body = result.get("body")
    if raw_body is None:
        body = b""
    elif result.get("isBase64Encoded"):
        body = base64.b64decode(raw_body)
    else:
        body = (raw_body if isinstance(raw_body, str) else json.dumps(raw_body)).encode("utf-8")
    if body and not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, body)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: GatewayServer
    raw_requestline: bytes

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.read_timeout_seconds)  # every read, the body's too
        # Small responses on keep-alive connections would otherwise wait for delayed ACKs (~40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        started = time.perf_counter()
        headers = list(self.headers.items())
        response = self._answer(headers)
        outcome = ""
        try:
            self._write(response, headers)
        except ConnectionError:  # the client went away (a timeout, Ctrl-C): one line, no traceback
            self.close_connection = True
            outcome = " (client disconnected)"
        elapsed_ms = (time.perf_counter() - started) * 1000
        correlation_id = response.header("X-Request-Id") or "-"
        access_log.info(
            "%s %s %d %.1fms %s%s",
            self.command,
            self.path,
            response.status,
            elapsed_ms,
            correlation_id,
            outcome,
            extra={
                "method": self.command,
                "path": self.path,
                "status": response.status,
                "ms": round(elapsed_ms, 1),
                "correlation_id": correlation_id,
                "client_disconnected": bool(outcome),
            },
        )

    def _answer(self, headers: list[tuple[str, str]]) -> HttpResponse:
        """The gateway's answer or, before it is asked, the server's own refusal."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not is_loopback_host(hosts[0]):
            self.close_connection = True  # its body, if any, is left unread
            misdirected = "This gateway answers requests for localhost or a loopback address only."
            return self._refusal(problem_response(421, misdirected), headers)
        body, refusal = self._read_body()
        if refusal is None and not self.server.ready:
            refusal = _starting(self.path)
        if refusal is not None:
            return self._refusal(refusal, headers)
        try:
            return self.server.gateway.handle(self.command, self.path, headers, body, self.client_address[0])
        except Exception:
            log.exception("gateway failure on %s %s", self.command, self.path)
            return self._refusal(problem_response(500, "The gateway failed to process the request."), headers)

    def _refusal(self, response: HttpResponse, headers: list[tuple[str, str]]) -> HttpResponse:
        """An answer the gateway did not give gets the CORS headers it gives every answer, so a
        page on an allowed origin reads the problem instead of a network error."""
        response.headers += self.server.gateway.cors.response_headers(headers)
        return response

    def _read_body(self) -> tuple[bytes, HttpResponse | None]:
        try:
            return self._read_framed_body()
        except TimeoutError:  # nothing arrived for the read timeout: give the thread back
            self.close_connection = True
            return b"", problem_response(408, "The request body did not arrive in time.")

    def _read_framed_body(self) -> tuple[bytes, HttpResponse | None]:
        transfer_encoding = self.headers.get("Transfer-Encoding")
        content_length = self.headers.get("Content-Length")
        if transfer_encoding is not None:
            if transfer_encoding.strip().lower() != "chunked" or content_length is not None:
                # Other codings are not supported; both framings at once is how requests are smuggled.
                self.close_connection = True
                return b"", problem_response(400, "Send a body with Content-Length or chunked, not both.")
            return self._read_chunked()
        if content_length is None:
            return b"", None
        if not content_length.isdigit() or not content_length.isascii():
            self.close_connection = True
            return b"", problem_response(400, "Invalid Content-Length.")
        length = int(content_length)
        if length > MAX_BODY_BYTES:
            if length <= _DRAIN_LIMIT:
                self.rfile.read(length)
            else:
                self.close_connection = True
            return b"", _too_large()
        return self.rfile.read(length), None

    def _read_chunked(self) -> tuple[bytes, HttpResponse | None]:
        """Chunk sizes checked as a server must (hex only, no sign, bounded), and the body limit
        held as the chunks arrive: past it, the rest is discarded up to the drain limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            found = _CHUNK_SIZE.fullmatch(self.rfile.readline(_MAX_LINE))
            if found is None:
                self.close_connection = True
                return b"", problem_response(400, "Malformed chunked body: invalid chunk size.")
            chunk_size = int(found.group(1), 16)
            if chunk_size == 0:
                break
            size += chunk_size
            if size > _DRAIN_LIMIT:
                self.close_connection = True
                return b"", _too_large()
            data = self.rfile.read(chunk_size)
            if len(data) < chunk_size or self.rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n"):
                self.close_connection = True
                return b"", problem_response(400, "Malformed chunked body: a chunk is cut short.")
            if size <= MAX_BODY_BYTES:
                chunks.append(data)
        for _ in range(_MAX_TRAILERS):
            if self.rfile.readline(_MAX_LINE) in (b"\r\n", b"\n", b""):
                break
        else:
            self.close_connection = True
            return b"", problem_response(400, "Malformed chunked body: too many trailers.")
        if size > MAX_BODY_BYTES:
            return b"", _too_large()
        return b"".join(chunks), None

    def _write(self, response: HttpResponse, headers: list[tuple[str, str]]) -> None:
        # What the gateway answers before it reads the request whole (a 413, a 408, a request
        # line too long) carries a request id too.
        add_request_id(response, headers, str(uuid.uuid4()))
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()  # buffered headers and the body leave in one write below
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def parse_request(self) -> bool:
        # The header lines are kept as the base class reads them: if it refuses one (431),
        # the answer can still find the request's Origin among them.
        connection_input = self.rfile
        self.rfile = _HeadLines(connection_input)  # type: ignore[assignment]
        try:
            return super().parse_request()
        finally:
            self.rfile = connection_input

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # What the base class refuses itself (request line or headers too long, malformed): a
        # problem, like every other error, not its HTML page.
        self.close_connection = True
        headers: list[tuple[str, str]] = []
        if code == HTTPStatus.REQUEST_URI_TOO_LONG:
            headers = _rest_of_head([self.raw_requestline], self.rfile)
        elif isinstance(self.rfile, _HeadLines):  # refused while the header lines were read
            headers = _rest_of_head(self.rfile.lines, self.rfile.stream)
        response = problem_response(code, message or HTTPStatus(code).phrase)
        self._write(self._refusal(response, headers), headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def __getattr__(self, name: str) -> Callable[[], None]:
        # Any other method (TRACE, QUERY, ...) goes to the router too, which answers 405 with
        # Allow or 404 as a problem, instead of the base class's HTML 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)


class _HeadLines:
    """A connection's input that keeps every line read through it."""

    def __init__(self, stream: io.BufferedIOBase) -> None:
        self.stream = stream
        self.lines: list[bytes] = []

    def readline(self, limit: int = -1) -> bytes:
        line = self.stream.readline(limit)
        self.lines.append(line)
        return line


def _rest_of_head(read: list[bytes], stream: io.BufferedIOBase) -> list[tuple[str, str]]:
    """The header fields of a request refused while its head was read (a line too long, too
    many headers): those among the lines read so far and the rest up to the empty line, a line
    too long skipped whole. Reading stops at the drain limit or the read timeout."""
    headers: list[tuple[str, str]] = []
    lines = iter(read)
    whole = True  # the previous piece ended its line
    budget = _DRAIN_LIMIT
    while budget > 0:
        piece = next(lines, None)
        if piece is None:
            try:
                piece = stream.readline(_MAX_HEAD_LINE)
            except TimeoutError:
                break
            budget -= len(piece)
        if not piece or (whole and piece in (b"\r\n", b"\n")):
            break
        if whole and piece.endswith(b"\n"):
            name, colon, value = piece.decode("latin-1").partition(":")
            if colon:
                headers.append((name, value.strip()))
        whole = piece.endswith(b"\n")
    return headers


def _starting(target: str) -> HttpResponse:
    """Before provisioning and seeding are done: try again shortly; /health says why."""
    retry = [("Retry-After", "1")]
    if target.partition("?")[0] == HEALTH_PATH:
        return HttpResponse(503, [("Content-Type", "application/json"), *retry], b'{"status": "starting"}')
    return problem_response(503, "The local stack is starting; retry in a moment.", retry)


def _too_large() -> HttpResponse:
    return problem_response(413, f"The request body exceeds {MAX_BODY_BYTES} bytes.")


class GatewayServer(ThreadingHTTPServer):
    """One thread per connection: handlers call back into the gateway (cart → catalog)."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        gateway: Gateway,
        port: int,
        *,
        ready: bool = True,
        read_timeout_seconds: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        self.gateway = gateway
        self.ready = ready  # until then every request gets 503 with Retry-After
        self.read_timeout_seconds = read_timeout_seconds
        super().__init__(("127.0.0.1", port), _RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            log.info("client %s:%s disconnected: %s", *client_address[:2], type(error).__name__)
        else:
            log.exception("gateway connection from %s:%s failed", *client_address[:2])

    @property
    def port(self) -> int:
        return int(self.server_address[1])
