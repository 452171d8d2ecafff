"""The features' conformance check (features/contract.py) refuses an answer the OpenAPI
document does not describe, and lets a described one through."""

from __future__ import annotations

import json

import pytest
import requests

from features.contract import ContractViolation, check_response

PRODUCT = {
    "product_id": "p-1",
    "sku": "MUG-1",
    "name": "Mug",
    "description": None,
    "price": {"amount": 1299, "currency": "EUR"},
    "category": "kitchen",
    "stock": 3,
    "image_url": None,
    "created_at": "2026-11-26T13:34:20Z",
    "updated_at": "2026-11-26T13:34:20Z",
    "deleted": False,
}


def answer(
    method: str, path: str, status: int, body: object, content_type: str = "application/json"
) -> requests.Response:
    response = requests.Response()
    response.request = requests.Request(method, f"http://127.0.0.1:8080{path}").prepare()
    response.status_code = status
    response.headers["Content-Type"] = content_type
    response.headers["X-Request-Id"] = "req-1"
    response._content = json.dumps(body).encode()
    return response


def problem(status: int) -> dict[str, object]:
    return {"type": "/problems/not-found", "title": "Not Found", "status": status, "detail": "none"}


def test_a_described_answer_passes() -> None:
    check_response(answer("GET", "/products/p-1", 200, PRODUCT))
    check_response(answer("GET", "/products/p-2", 404, problem(404), "application/problem+json"))
    check_response(answer("GET", "/nowhere", 404, problem(404), "application/problem+json"))


@pytest.mark.parametrize(
    ("response", "why"),
    [
        (answer("GET", "/products/p-1", 200, {**PRODUCT, "price": 12.99}), "a float price"),
        (answer("GET", "/products/p-1", 200, {"sku": "MUG-1"}), "fields missing"),
        (
            answer("GET", "/products/p-1", 418, problem(418), "application/problem+json"),
            "an undocumented status",
        ),
        (answer("GET", "/products/p-1", 404, {"error": "nope"}, "application/problem+json"), "not a problem"),
        (answer("GET", "/nowhere", 200, {}), "an unknown path that answers"),
    ],
)
def test_an_undescribed_answer_is_a_violation(response: requests.Response, why: str) -> None:
    with pytest.raises(ContractViolation):
        check_response(response)
