"""One problem vocabulary: the gateway and the handlers answer the same `type` for a status,
each `type` is documented in docs/api.md and resolves to a page meta serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shop.local.edge.gateway_problems import problem_body
from shop.platform.problems import PROBLEM_TYPES, ProblemType, problem, problem_response
from tests.support.http_events import api_request

API_MD = Path(__file__).resolve().parent.parent / "docs" / "api.md"
STATUSES = [problem_type.status for problem_type in PROBLEM_TYPES]


def documented_types() -> dict[int, str]:
    row = re.compile(r"^\| (\d{3}) \| `(/problems/[a-z-]+)` \|", re.MULTILINE)
    return {int(status): uri for status, uri in row.findall(API_MD.read_text())}


def test_docs_api_md_lists_exactly_the_vocabulary() -> None:
    assert documented_types() == {problem_type.status: problem_type.uri for problem_type in PROBLEM_TYPES}


@pytest.mark.parametrize("status", STATUSES)
def test_the_gateway_and_the_handlers_answer_the_same_type(status: int) -> None:
    from_gateway = json.loads(problem_body(status, "detail"))
    from_handler = json.loads(problem_response(status, "detail")["body"])
    assert (
        from_gateway["type"] == from_handler["type"] == f"/problems/{from_gateway['type'].rsplit('/', 1)[1]}"
    )
    assert from_gateway["title"] == from_handler["title"]
    assert from_gateway["status"] == status


def test_a_status_outside_the_vocabulary_is_about_blank_with_its_phrase() -> None:
    assert problem(505, "HTTP/2 only") == {
        "type": "about:blank",
        "title": "HTTP Version Not Supported",
        "status": 505,
        "detail": "HTTP/2 only",
    }


def test_a_specific_title_keeps_the_type_of_its_status() -> None:
    body = problem(400, "bad cursor", title="Invalid cursor", errors=[{"field": "cursor", "message": "x"}])
    assert (body["type"], body["title"], body["errors"]) == (
        "/problems/bad-request",
        "Invalid cursor",
        [{"field": "cursor", "message": "x"}],
    )


@pytest.mark.parametrize("problem_type", PROBLEM_TYPES, ids=lambda problem_type: problem_type.slug)
def test_every_type_resolves_to_its_page(problem_type: ProblemType) -> None:
    from shop.meta.handlers.http import handler

    answer = handler(api_request("GET", problem_type.uri), None)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("text/html")
    assert f"{problem_type.status} {problem_type.title}" in answer["body"]


def test_an_unknown_type_page_is_a_404_problem() -> None:
    from shop.meta.handlers.http import handler

    answer = handler(api_request("GET", "/problems/teapot"), None)
    assert answer["statusCode"] == 404
    assert json.loads(answer["body"])["type"] == "/problems/not-found"
