from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from shop.local.orchestration.stack import EmbeddedStack, PortBusy

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


def test_oversized_body_is_413(stack: EmbeddedStack) -> None:
    response = requests.post(f"{stack.url}/echo", data=b"x" * (64 * 1024 + 1), timeout=5)
    _assert_problem(response, 413)
    assert requests.post(f"{stack.url}/echo", data=b"x" * (64 * 1024), timeout=5).status_code == 200


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
