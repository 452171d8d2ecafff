"""Path parameters as API Gateway delivers them: `rawPath` keeps the client's percent-encoding,
`pathParameters` holds the decoded values, and the routes see the decoded ones."""

from typing import Annotated, Any

from shop.platform.http import build_http_app, lambda_handler
from shop.platform.routing import Path
from tests.support.http_events import api_request, json_body

app = build_http_app("test")


@app.get("/labels/<label>")
def get_label(label: Annotated[str, Path(max_length=3)]) -> dict[str, str]:
    return {"label": label}


handler = lambda_handler(app, "test")


def delivered(raw_path: str, **decoded: str) -> dict[str, Any]:
    """The event API Gateway hands the function for this path: encoded rawPath, decoded values."""
    event = api_request("GET", raw_path)
    event["pathParameters"] = decoded
    return event


def test_a_route_reads_the_decoded_value() -> None:
    response = handler(delivered("/labels/%41b%20", label="Ab "), None)
    assert response["statusCode"] == 200, response
    assert json_body(response) == {"label": "Ab "}


def test_a_value_short_once_decoded_is_valid() -> None:
    response = handler(delivered("/labels/%C3%A9%C3%A9%C3%A9", label="ééé"), None)
    assert json_body(response) == {"label": "ééé"}


def test_a_value_invalid_once_decoded_is_a_400_naming_the_parameter() -> None:
    response = handler(delivered("/labels/%41%41%41%41", label="AAAA"), None)
    assert response["statusCode"] == 400, response
    assert [error["field"] for error in json_body(response)["errors"]] == ["label"]


def test_without_the_gateways_values_the_route_decodes_the_raw_path_itself() -> None:
    response = handler(api_request("GET", "/labels/%41b"), None)
    assert json_body(response) == {"label": "Ab"}
