from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from shop.local.edge.gateway import READ_TIMEOUT_SECONDS, Gateway, GatewayServer
from shop.local.edge.throttling import Throttle
from shop.local.orchestration.stack import EmbeddedStack, PortBusy
from shop.local.runtime.lambda_runtime import register_handler
from shop.resources import Route, load_resources

pytestmark = pytest.mark.integration


def _register_and_login(stack: EmbeddedStack, email: str, password: str = "Passw0rd1") -> str:
    cognito = stack.client("cognito-idp")
    cognito.sign_up(ClientId=stack.client_id, Username=email, Password=password)
    cognito.admin_confirm_sign_up(UserPoolId=stack.pool_id, Username=email)
    return _login(stack, email, password)


def _login(stack: EmbeddedStack, email: str, password: str = "Passw0rd1") -> str:
    result = stack.client("cognito-idp").initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["AccessToken"])


def _assert_problem(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    return problem


def test_unknown_path_is_404_problem(stack: EmbeddedStack) -> None:
    _assert_problem(requests.get(f"{stack.url}/nowhere", timeout=5), 404)


def test_wrong_method_is_405_with_allow(stack: EmbeddedStack) -> None:
    response = requests.delete(f"{stack.url}/echo", timeout=5)
    _assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "BREW"])
def test_any_other_method_is_a_405_or_404_problem_never_a_501(stack: EmbeddedStack, method: str) -> None:
    response = requests.request(method, f"{stack.url}/echo", timeout=5)
    _assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
    _assert_problem(requests.request(method, f"{stack.url}/nowhere", timeout=5), 404)


def test_what_the_http_server_refuses_itself_is_a_problem_too(stack: EmbeddedStack) -> None:
    _assert_problem(requests.get(f"{stack.url}/echo?q={'x' * 70_000}", timeout=5), 414)


def test_builds_a_payload_2_event(stack: EmbeddedStack, recorder: Any) -> None:
    response = requests.get(
        f"{stack.url}/echo/a%20b?ids=1&ids=2&q=x",
        headers={"X-Custom": "Value", "Cookie": "c1=v1; c2=v2"},
        timeout=5,
    )
    assert response.status_code == 200
    event = response.json()["event"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /echo/{thing_id}"
    assert event["rawPath"] == "/echo/a%20b"
    assert event["rawQueryString"] == "ids=1&ids=2&q=x"
    assert event["queryStringParameters"] == {"ids": "1,2", "q": "x"}
    assert event["pathParameters"] == {"thing_id": "a b"}
    assert event["headers"]["x-custom"] == "Value"
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    context = event["requestContext"]
    assert context["http"]["method"] == "GET"
    assert context["http"]["sourceIp"] == "127.0.0.1"
    assert context["stage"] == "$default"
    assert context["requestId"]
    assert abs(context["timeEpoch"] / 1000 - time.time()) < 60
    assert "authorizer" not in context
    assert "body" not in event
    assert response.json()["function_name"] == "shop-echo"
    # The handler's multi-value headers and cookies come back as separate header lines.
    assert response.raw.headers.getlist("X-Multi") == ["a", "b"]
    assert response.cookies.get("session") == "abc"


def test_literal_segment_beats_parameter(stack: EmbeddedStack) -> None:
    response = requests.get(f"{stack.url}/echo/special", timeout=5)
    assert response.json()["event"]["routeKey"] == "GET /echo/special"


def test_body_text_or_base64(stack: EmbeddedStack) -> None:
    text = requests.post(f"{stack.url}/echo", json={"a": "ä"}, timeout=5).json()["event"]
    assert text["isBase64Encoded"] is False
    assert json.loads(text["body"]) == {"a": "ä"}
    binary = requests.post(
        f"{stack.url}/echo", data=b"\x00\xff", headers={"Content-Type": "application/octet-stream"}, timeout=5
    ).json()["event"]
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x00\xff"


def test_request_id_added_and_echoed(stack: EmbeddedStack) -> None:
    generated = requests.get(f"{stack.url}/echo", timeout=5)
    assert generated.headers["X-Request-Id"] == generated.json()["event"]["requestContext"]["requestId"]
    echoed = requests.get(f"{stack.url}/echo", headers={"X-Request-Id": "req-123"}, timeout=5)
    assert echoed.headers["X-Request-Id"] == "req-123"


@pytest.mark.parametrize(
    "sent", ["x" * 5000, "<img src=x onerror=alert(1)>"], ids=["5000 characters", "markup"]
)
def test_a_request_id_that_is_not_a_short_safe_token_is_replaced(stack: EmbeddedStack, sent: str) -> None:
    response = requests.get(f"{stack.url}/echo", headers={"X-Request-Id": sent}, timeout=5)
    assert response.headers["X-Request-Id"] == response.json()["event"]["requestContext"]["requestId"]
    refused = requests.get(f"{stack.url}/me", headers={"X-Request-Id": sent}, timeout=5)
    _assert_problem(refused, 401)
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", refused.headers["X-Request-Id"])


def _gateway_problems(url: str, headers: dict[str, str]) -> dict[int, requests.Response]:
    return {
        401: requests.get(f"{url}/me", headers=headers, timeout=5),
        404: requests.get(f"{url}/nowhere", headers=headers, timeout=5),
        405: requests.delete(f"{url}/echo", headers=headers, timeout=5),
        413: requests.post(f"{url}/echo", data=b"x" * (64 * 1024 + 1), headers=headers, timeout=5),
        414: requests.get(f"{url}/echo?q={'x' * 70_000}", headers=headers, timeout=5),
    }


def test_the_gateways_own_problems_carry_a_request_id_echoing_a_safe_one(stack: EmbeddedStack) -> None:
    for status, response in _gateway_problems(stack.url, {}).items():
        _assert_problem(response, status)
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", response.headers.get("X-Request-Id", "")), status
    for status, response in _gateway_problems(stack.url, {"X-Request-Id": "bug-report.42"}).items():
        assert response.headers.get("X-Request-Id") == "bug-report.42", status


def test_oversized_body_is_413(stack: EmbeddedStack) -> None:
    response = requests.post(f"{stack.url}/echo", data=b"x" * (64 * 1024 + 1), timeout=5)
    _assert_problem(response, 413)
    assert requests.post(f"{stack.url}/echo", data=b"x" * (64 * 1024), timeout=5).status_code == 200


def test_a_chunked_body_is_held_to_the_same_limit(stack: EmbeddedStack) -> None:
    def chunks(total: int) -> Iterator[bytes]:
        for _ in range(total // 4096):
            yield b"x" * 4096

    _assert_problem(requests.post(f"{stack.url}/echo", data=chunks(80 * 1024), timeout=5), 413)
    fits = requests.post(f"{stack.url}/echo", data=chunks(64 * 1024), timeout=5)
    assert fits.status_code == 200
    assert len(fits.json()["event"]["body"]) == 64 * 1024


def _raw_exchange(port: int, request: bytes, *, timeout: float = 5) -> bytes:
    """Send bytes as they are (what no client library would send) and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


CHUNKED_HEAD = (
    b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
)


@pytest.mark.parametrize("size", [b"-1", b"+5", b"0x5", b" 5", b"5 5", b"1ffffffff", b"zz", b""])
def test_a_chunk_size_that_is_not_bounded_hex_is_a_400_at_once(stack: EmbeddedStack, size: bytes) -> None:
    started = time.monotonic()
    answer = _raw_exchange(stack.port, CHUNKED_HEAD + size + b"\r\n{}")  # and the client never closes
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"X-Request-Id: " in answer
    assert time.monotonic() - started < 1


def test_both_framings_at_once_is_a_400(stack: EmbeddedStack) -> None:
    answer = _raw_exchange(
        stack.port,
        CHUNKED_HEAD.replace(b"\r\n\r\n", b"\r\nContent-Length: 2\r\n\r\n") + b"2\r\n{}\r\n0\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]


@pytest.mark.parametrize("length", [b"-5", b"+2", b"2 2", b"\xc2\xb2"])
def test_a_content_length_that_is_not_digits_is_a_400(stack: EmbeddedStack, length: bytes) -> None:
    head = b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
    assert _raw_exchange(stack.port, head + length + b"\r\n\r\n{}").startswith(b"HTTP/1.1 400 ")


def test_handler_exception_is_500_without_details(stack: EmbeddedStack) -> None:
    response = requests.get(f"{stack.url}/boom", timeout=5)
    problem = _assert_problem(response, 500)
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert problem["detail"]


def test_missing_handler_module_is_503(stack: EmbeddedStack) -> None:
    problem = _assert_problem(requests.get(f"{stack.url}/absent", timeout=5), 503)
    assert "absent" in problem["detail"]


@pytest.mark.parametrize("authorization", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt"])
def test_protected_route_without_valid_token_is_401(stack: EmbeddedStack, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{stack.url}/me", headers=headers, timeout=5)
    _assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_protected_route_gets_claims_as_strings(stack: EmbeddedStack) -> None:
    token = _register_and_login(stack, "carol@example.com")
    response = requests.get(f"{stack.url}/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 200, response.text
    authorizer = response.json()["event"]["requestContext"]["authorizer"]
    claims = authorizer["jwt"]["claims"]
    assert claims["token_use"] == "access"
    assert claims["client_id"] == stack.client_id
    assert isinstance(claims["exp"], str)
    assert claims["exp"].isdigit()
    assert "cognito:groups" not in claims

    stack.promote_to_admin("carol@example.com")
    admin_token = _login(stack, "carol@example.com")
    response = requests.post(
        f"{stack.url}/admin/things", headers={"Authorization": f"Bearer {admin_token}"}, json={}, timeout=5
    )
    claims = response.json()["event"]["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["cognito:groups"] == "[admin]"


def test_serves_concurrently_and_handlers_can_call_back(stack: EmbeddedStack) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: requests.get(f"{stack.url}/callback", timeout=10), range(16)))
    assert [r.json() for r in responses] == [{"inner_status": 200}] * 16


def test_a_second_stack_in_this_process_attaches_to_the_running_one(stack: EmbeddedStack) -> None:
    with EmbeddedStack(port=0, resources_path=stack.resources_path) as second:
        assert second.url == stack.url
        assert second.primary is stack
    assert requests.get(f"{stack.url}/echo", timeout=5).status_code == 200  # still serving
    with pytest.raises(RuntimeError, match="other settings"):
        EmbeddedStack(port=0).start()  # other resources: cannot share


def test_a_busy_port_is_refused_before_anything_starts(stack: EmbeddedStack) -> None:
    second = EmbeddedStack(port=stack.port)
    with pytest.raises(PortBusy, match=str(stack.port)):
        second._start_own()
    assert not second.emulator.running  # moto was never started


def test_a_second_run_on_a_busy_port_exits_non_zero(stack: EmbeddedStack) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "shop.local", "--port", str(stack.port), "--no-seed"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode != 0
    assert "busy" in finished.stderr


def test_one_function_handles_one_event_at_a_time(stack: EmbeddedStack, recorder: Any) -> None:
    """As in one Lambda execution environment: module-level handler state is never shared."""
    recorder.max_in_flight = 0
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda _: requests.get(f"{stack.url}/slow", timeout=10).status_code, range(12))
        )
    assert statuses == [200] * 12
    assert recorder.max_in_flight == 1


# The edge with the shop's real rate limits (scale 1) and a short read timeout, in front of a
# log-in function that asks the stack's Cognito, as users' does.
EDGE_LOGIN = "local_tests.edge_login.handler"
EDGE_READ_TIMEOUT_SECONDS = 0.5


@pytest.fixture(scope="module")
def edge(stack: EmbeddedStack) -> Iterator[GatewayServer]:
    cognito = stack.client("cognito-idp")

    def login(event: dict[str, Any], context: Any) -> dict[str, Any]:
        credentials = json.loads(event["body"])
        try:
            cognito.initiate_auth(
                ClientId=stack.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": credentials["email"], "PASSWORD": credentials["password"]},
            )
        except (cognito.exceptions.NotAuthorizedException, cognito.exceptions.UserNotFoundException):
            return {"statusCode": 401, "body": "{}"}
        return {"statusCode": 200, "body": "{}"}

    register_handler(EDGE_LOGIN, login)
    limits = load_resources().throttling
    assert limits is not None
    gateway = Gateway(
        (Route("POST", "/auth/login", "public", "users", EDGE_LOGIN),), throttle=Throttle(limits)
    )
    server = GatewayServer(gateway, 0, read_timeout_seconds=EDGE_READ_TIMEOUT_SECONDS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _login_from(source: str, port: int, email: str, password: str) -> http.client.HTTPResponse:
    """A log-in sent from `source`, a loopback address of its own (the edge sees it as the client's)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    try:
        body = json.dumps({"email": email, "password": password})
        connection.request("POST", "/auth/login", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def test_a_flood_of_wrong_passwords_from_one_address_leaves_another_address_its_login(
    stack: EmbeddedStack, edge: GatewayServer
) -> None:
    others = [f"other{n}@example.com" for n in range(3)]
    for email in [*others, "yvonne@example.com"]:
        _register_and_login(stack, email)

    flood = [_login_from("127.0.0.2", edge.port, others[n % 3], "Wrong0000") for n in range(40)]

    statuses = [response.status for response in flood]
    assert set(statuses) == {401, 429}, statuses
    refused = flood[-1]
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.headers["X-Request-Id"]
    assert _login_from("127.0.0.3", edge.port, "yvonne@example.com", "Passw0rd1").status == 200


def test_a_body_that_never_arrives_is_cut_off(edge: GatewayServer) -> None:
    assert READ_TIMEOUT_SECONDS < 60  # what `make run` waits, well within a minute
    started = time.monotonic()
    head = b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{}"
    answer = _raw_exchange(edge.port, head)  # 8 bytes short, and the client waits
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"X-Request-Id: " in answer
    assert time.monotonic() - started < EDGE_READ_TIMEOUT_SECONDS + 2


# DNS rebinding: a page whose name now resolves to 127.0.0.1 reaches the gateway as its own
# origin, but its browser still sends the page's host.
@pytest.mark.parametrize(
    "host",
    [b"Host: evil.example", b"Host: evil.example:8080", b"Host: 127.0.0.1.evil.example", b"Host: [::2]", b""],
    ids=["a name", "a name and port", "a name starting as loopback", "another IPv6 address", "none"],
)
def test_a_request_for_another_host_is_refused_before_anything_answers_it(
    stack: EmbeddedStack, recorder: Any, host: bytes
) -> None:
    seen = len(recorder.http_events)
    for target in (b"GET /_local/mailbox", b"GET /echo", b"POST /echo"):
        request = (
            target + b" HTTP/1.1\r\n" + (host + b"\r\n" if host else b"") + b"Content-Length: 2\r\n\r\n{}"
        )
        status, headers, body = _raw_answer(stack.port, request)
        assert status == 421, body
        assert headers["content-type"] == "application/problem+json"
        assert json.loads(body)["status"] == 421
        assert b"@" not in body  # nothing of the mailbox
    twice = b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"
    assert _raw_answer(stack.port, twice)[0] == 421
    assert len(recorder.http_events) == seen


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:{port}",
        "LOCALHOST:{port}",
        "127.0.0.1",
        "127.0.0.2:{port}",
        "127.0.0.3",
        "[::1]:{port}",
    ],
)
@pytest.mark.parametrize("source", ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
def test_a_request_for_a_loopback_host_from_any_loopback_address_is_answered(
    stack: EmbeddedStack, host: str, source: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=5, source_address=(source, 0))
    try:
        connection.request("GET", "/echo", headers={"Host": host.format(port=stack.port)})
        response = connection.getresponse()
        event = json.loads(response.read())["event"]
    finally:
        connection.close()
    assert response.status == 200
    assert event["requestContext"]["http"]["sourceIp"] == source


def test_the_aws_emulator_answers_no_other_host_and_no_web_page(stack: EmbeddedStack) -> None:
    """moto's own pages hold every table and user pool; boto3 sends Host: 127.0.0.1:<port>."""
    state = f"{stack.emulator.endpoint}/moto-api/data.json"
    assert requests.get(state, timeout=5).status_code == 200
    assert requests.get(state, headers={"Host": "evil.example"}, timeout=5).status_code == 421
    assert requests.get(state, headers={"Origin": "http://evil.example"}, timeout=5).status_code == 403
    assert stack.client("dynamodb").list_tables()["TableNames"]


def _raw_answer(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = _raw_exchange(port, request).partition(b"\r\n\r\n")
    status_line, *fields = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (field.partition(":") for field in fields)}
    return int(status_line.split()[1]), headers, body


# The answers the server gives before the gateway routes a request, sent as a browser on an
# allowed origin would (a page reads an answer only if it carries the CORS headers).
ORIGIN = b"Origin: http://localhost:3000\r\nX-Request-Id: early.1\r\n"
EARLY = {
    "413": (
        413,
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + ORIGIN
        + b"Content-Length: 70000\r\n\r\n"
        + b"x" * 70_000,
    ),
    "413 chunked": (413, CHUNKED_HEAD.replace(b"\r\n\r\n", b"\r\n" + ORIGIN + b"\r\n") + b"ffffff\r\n"),
    "400 chunk size": (400, CHUNKED_HEAD.replace(b"\r\n\r\n", b"\r\n" + ORIGIN + b"\r\n") + b"-1\r\n"),
    "400 both framings": (
        400,
        CHUNKED_HEAD.replace(b"\r\n\r\n", b"\r\n" + ORIGIN + b"Content-Length: 2\r\n\r\n"),
    ),
    "400 content-length": (
        400,
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + ORIGIN + b"Content-Length: -5\r\n\r\n",
    ),
    "414": (414, b"GET /echo?q=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + ORIGIN + b"\r\n"),
    "431 a header too long, after Origin": (
        431,
        b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + ORIGIN
        + b"Cookie: "
        + b"x" * 70_000
        + b"\r\nAccept: */*\r\n\r\n",
    ),
    "431 a header too long, before Origin": (
        431,
        b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b"x" * 70_000 + b"\r\n" + ORIGIN + b"\r\n",
    ),
    "431 too many headers": (
        431,
        b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-%d: %d\r\n" % (n, n) for n in range(120))
        + ORIGIN
        + b"\r\n",
    ),
    "421": (421, b"GET /echo HTTP/1.1\r\nHost: evil.example\r\n" + ORIGIN + b"\r\n"),
}


def _assert_readable_by_the_page(status: int, headers: dict[str, str], body: bytes, expected: int) -> None:
    assert status == expected, body
    assert json.loads(body)["status"] == expected
    assert headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "x-request-id" in headers["access-control-expose-headers"].lower().split(",")
    assert headers["vary"] == "Origin"
    assert headers["x-request-id"] == "early.1"


@pytest.mark.parametrize("case", EARLY)
def test_the_servers_own_refusals_carry_cors_headers_for_an_allowed_origin(
    stack: EmbeddedStack, case: str
) -> None:
    expected, request = EARLY[case]
    _assert_readable_by_the_page(*_raw_answer(stack.port, request), expected)
    other = _raw_answer(stack.port, request.replace(b"http://localhost:3000", b"http://evil.example"))
    assert other[0] == expected
    assert "access-control-allow-origin" not in other[1]


def test_a_timeout_and_a_stack_still_starting_carry_them_too(edge: GatewayServer) -> None:
    head = b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n" + ORIGIN + b"Content-Length: 10\r\n\r\n{}"
    _assert_readable_by_the_page(*_raw_answer(edge.port, head), 408)
    starting = GatewayServer(Gateway(()), 0, ready=False)
    threading.Thread(target=starting.serve_forever, daemon=True).start()
    try:
        request = b"GET /products HTTP/1.1\r\nHost: localhost\r\n" + ORIGIN + b"Connection: close\r\n\r\n"
        _assert_readable_by_the_page(*_raw_answer(starting.port, request), 503)
    finally:
        starting.shutdown()
        starting.server_close()
