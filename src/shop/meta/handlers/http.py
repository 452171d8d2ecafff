"""GET /health and GET /openapi.json."""

from __future__ import annotations

from importlib import resources
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shop.platform.http import build_http_app, lambda_handler

app = build_http_app("meta")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/openapi.json")
def openapi_document() -> Response[Any]:
    document = resources.files("shop.meta").joinpath("openapi.json").read_text()
    return Response(status_code=200, content_type="application/json", body=document)


handler = lambda_handler(app, "meta")
