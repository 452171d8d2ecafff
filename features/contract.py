"""Every answer the features see must be one the OpenAPI document describes (openapi-core's
response validation): so the document cannot drift from what the API really answers.

An answer to a request the document has no operation for (an unknown path, a method a path
does not have) must still be a 404 or 405 problem, as the document's description says."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ContractViolation(AssertionError):
    """An answer the OpenAPI document does not describe."""


@cache
def document() -> OpenAPI:
    spec = json.loads(resources.files("shop.meta").joinpath("openapi.json").read_text())
    # openapi-core reads application/json and some text types only; these are JSON or text too
    readers = {PROBLEM_CONTENT_TYPE: json.loads, "text/css": _text, "text/javascript": _text}
    return OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=readers))


def check_response(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A `requests` response hook: raises ContractViolation for an undocumented answer."""
    request = response.request
    where = f"{request.method} {request.path_url} → {response.status_code}"
    try:
        document().validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        if response.status_code not in (404, 405) or not _is_problem(response):
            raise ContractViolation(f"{where}: no such operation, yet not a 404/405 problem") from None
    except Exception as error:  # openapi-core's validation errors share no public base class
        detail = "; ".join(str(cause) for cause in getattr(error, "schema_errors", ())) or str(error)
        raise ContractViolation(
            f"{where} is not what the OpenAPI document says: {detail}\n{response.text[:500]}"
        ) from None


def conforming_session() -> requests.Session:
    """A session whose every answer is checked against the document, and that waits out a
    429 as its Retry-After says: a deployment applies the real rate limits (tight on sign-up
    and login), and a throttled request never reached a function, so sending it again is safe."""
    session = requests.Session()
    session.hooks["response"].append(check_response)
    patient = Retry(
        total=None, connect=0, read=0, redirect=0, other=0, status=6,
        status_forcelist=[429], allowed_methods=None, respect_retry_after_header=True,
        backoff_factor=0.5, raise_on_status=False,
    )  # fmt: skip
    session.mount("http://", HTTPAdapter(max_retries=patient))
    session.mount("https://", HTTPAdapter(max_retries=patient))
    return session


def _is_problem(response: requests.Response) -> bool:
    return response.headers.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)


def _text(data: bytes | str) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data
