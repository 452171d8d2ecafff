"""Generate src/shop/meta/openapi.json: the OpenAPI 3.1 document of the whole API.

Each service's resolver describes its own routes (from the pydantic models in the
code); this merges them and marks the routes that need a bearer token, as the resource
description says. `--check` fails if the committed document is stale.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from shop.platform.http import MAX_BODY_BYTES

DOCUMENT = Path(__file__).resolve().parent.parent / "src" / "shop" / "meta" / "openapi.json"


def build_document() -> str:
    description = json.loads(resources.files("shop").joinpath("resources.json").read_text())
    merge = OpenAPIMerge(
        title="Shop API",
        version="1.0.0",
        description="Serverless e-commerce backend: users, catalog, cart, orders, payments.",
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
        on_conflict="error",
    )
    for name in sorted(description["services"]):
        handler_module = description["services"][name]["http_handler"].rsplit(".", 1)[0]
        merge.add_schema(import_module(handler_module).app.get_openapi_schema())
    document: dict[str, Any] = json.loads(merge.get_openapi_json_schema())
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for component in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(component, None)
    for service in description["services"].values():
        for route in service["routes"]:
            operation = document["paths"][route["path"]][route["method"].lower()]
            describe_errors(operation, route["auth"])
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `status` is the HTTP status",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
GENERATED_VALIDATION_ERROR = "#/components/schemas/HTTPValidationError"


def describe_errors(operation: dict[str, Any], auth: str) -> None:
    """Every error is problem+json. Besides what a handler declares, a route documents the
    problems the platform answers for it: 400 invalid input (Powertools documents 422), 401/403
    by its auth, 404 for an unknown id in its path, 413/415 for a body too large or not JSON."""
    responses = operation.setdefault("responses", {})
    generated = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if generated.get("$ref") == GENERATED_VALIDATION_ERROR:
        del responses["422"]  # a 422 a handler declares (e.g. checkout of an empty cart) stays
    responses.setdefault("400", {"description": "Invalid input"})
    if "requestBody" in operation:
        responses.setdefault("413", {"description": f"The body is over {MAX_BODY_BYTES // 1024} KiB"})
        responses.setdefault("415", {"description": "The body is not application/json"})
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        responses.setdefault("404", {"description": "No such resource"})
    if auth != "public":
        operation["security"] = [{"bearer": []}]
        responses["401"] = {"description": "Missing or invalid bearer token"}
    if auth == "admin":
        responses["403"] = {"description": "Not in the admin group"}
    for status, response in responses.items():
        if status == "204":
            response.pop("content", None)  # no body, whatever the handler's return type says
        elif int(status) >= 400:
            response["content"] = copy.deepcopy(PROBLEM_CONTENT)
    operation["x-shop-auth"] = auth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed document is stale")
    args = parser.parse_args()
    document = build_document()
    if args.check:
        if DOCUMENT.read_text() != document:
            print(f"{DOCUMENT} is stale: run `make openapi`", file=sys.stderr)
            return 1
        print(f"{DOCUMENT} is up to date")
        return 0
    DOCUMENT.write_text(document)
    paths = json.loads(document)["paths"]
    print(f"wrote {DOCUMENT} ({len(paths)} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
