"""What the API says about itself: GET /health, the OpenAPI document, its interactive docs
(Swagger UI's two files, shipped in the meta zip by scripts/package.py: no CDN), a page
per problem type, and the admin's analytics dashboard page (GET /admin/dashboard)."""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from shop.kernel.errors import NotFound
from shop.platform.http import JSON_MEDIA_TYPE, build_http_app, documented, json_response, lambda_handler
from shop.platform.problems import PROBLEM_TYPES, problem_type_of
from shop.platform.routing import Path as PathParam
from shop.platform.routing import Response

app = build_http_app("meta")

HTML = "text/html; charset=utf-8"
# The files of Swagger UI the page loads, and their media types: nothing else is served.
DOCS_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}
# scripts/package.py copies them into the meta zip, under shop/meta/<SWAGGER_UI_DIR>/
SWAGGER_UI_DIR = "swagger_ui"
_ASSET_CACHE = "public, max-age=86400"
_PAGE = {"text/html": {"type": "string"}}
_PROBLEMS = {404: "Not a problem type of this API"}
_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shop API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
</script>
</body>
</html>
"""

AssetName = Annotated[str, PathParam(pattern=r"^[a-z0-9.-]{1,40}$", description="A file of Swagger UI")]
ProblemSlug = Annotated[str, PathParam(pattern=r"^[a-z-]{1,40}$", description="The last segment of a `type`")]


@app.get(
    "/health",
    operation_id="getHealth",
    summary="Liveness: the API answers",
    responses=documented(200, "The API answers", _PROBLEMS),
)
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get(
    "/openapi.json",
    operation_id="getOpenApiDocument",
    summary="This document: the OpenAPI 3.1 description of the whole API",
    responses=documented(200, "The OpenAPI document", _PROBLEMS, schemas={JSON_MEDIA_TYPE: {}}),
)
def openapi_document() -> Response[Any]:
    return json_response(200, resources.files("shop.meta").joinpath("openapi.json").read_text())


@app.get(
    "/docs",
    operation_id="getDocs",
    summary="Interactive documentation of this API (Swagger UI)",
    responses=documented(200, "An HTML page", _PROBLEMS, schemas=_PAGE),
)
def docs_page() -> Response[str]:
    return Response(status_code=200, content_type=HTML, body=_DOCS_PAGE)


@app.get(
    "/docs/<asset>",
    operation_id="getDocsAsset",
    summary="A script or style sheet of the documentation page",
    compress=True,
    cache_control=_ASSET_CACHE,
    responses=documented(
        200,
        "The file",
        {**_PROBLEMS, 404: "Not a file of the documentation page"},
        404,
        schemas={media_type.split(";")[0]: {"type": "string"} for media_type in DOCS_ASSETS.values()},
    ),
)
def docs_asset(asset: AssetName) -> Response[str]:
    if asset not in DOCS_ASSETS:
        raise NotFound(f"{asset} is not a file of the documentation page.")
    return Response(status_code=200, content_type=DOCS_ASSETS[asset], body=_asset_text(asset))


@app.get(
    "/problems/<slug>",
    operation_id="getProblemType",
    summary="What a problem `type` means and what to do about it",
    responses=documented(200, "An HTML page", _PROBLEMS, 404, schemas=_PAGE),
)
def problem_page(slug: ProblemSlug) -> Response[str]:
    problem_type = problem_type_of(slug)
    if problem_type is None:
        raise NotFound(f"{slug} is not a problem type of this API.")
    others = "".join(
        f'<li><a href="{html.escape(other.slug)}">{other.status} {html.escape(other.title)}</a></li>'
        for other in PROBLEM_TYPES
    )
    body = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(problem_type.title)}: Shop API problem</title></head>\n<body>\n"
        f"<h1>{problem_type.status} {html.escape(problem_type.title)}</h1>\n"
        f"<p><code>type</code>: <code>{html.escape(problem_type.uri)}</code></p>\n"
        f"<p>{_code_spans(problem_type.meaning)}</p>\n"
        "<p>Every error of this API is <code>application/problem+json</code> (RFC 9457): "
        "<code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and, for invalid "
        'fields, <code>errors</code>. <a href="../docs">The API documentation</a>.</p>\n'
        f"<h2>All problem types</h2>\n<ul>{others}</ul>\n</body>\n</html>\n"
    )
    return Response(status_code=200, content_type=HTML, body=body)


@cache
def _asset_text(asset: str) -> str:
    packaged = resources.files("shop.meta").joinpath(SWAGGER_UI_DIR, asset)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (swagger_ui_static() / asset).read_text(encoding="utf-8")


def swagger_ui_static() -> Path:
    """Where the swagger-ui-py package (a build and dev dependency, not in the layer) keeps
    the files; find_spec locates it without importing it (its __init__ pulls in jinja2, yaml)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _code_spans(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


# The analytics dashboard is served here, not by the analytics function: the page holds no
# data (it logs the admin in and draws GET /admin/analytics in the browser), so it belongs
# with the static pages. Served by analytics, its first request paid that function's whole
# init (botocore, dependency-injector, the analytics models): `make bench` measured it at
# 1.57x the boto3 floor, against ~1.0x for meta's pages.
@app.get(
    "/admin/dashboard",
    operation_id="getAdminDashboard",
    tags=["analytics"],
    summary="The analytics dashboard: a page that logs the admin in and draws GET /admin/analytics",
    responses=documented(200, "An HTML page", _PROBLEMS, schemas=_PAGE),
)
def get_dashboard() -> Response[str]:
    page, policy = _dashboard_page()
    headers = {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(status_code=200, content_type=HTML, body=page, headers=headers)


@cache
def _dashboard_page() -> tuple[str, str]:
    """The page, and a policy that lets it run only its own inline script and style and talk
    only to this API: nothing else loads, from anywhere (`data:` is the empty icon that
    spares a request for /favicon.ico)."""
    page = resources.files("shop.meta").joinpath("dashboard.html").read_text(encoding="utf-8")
    script, style = _inline(page, "script"), _inline(page, "style")
    policy = (
        f"default-src 'none'; script-src '{script}'; style-src '{style}'; connect-src 'self'; "
        "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return page, policy


def _inline(page: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.DOTALL)
    if match is None:
        raise RuntimeError(f"dashboard.html has no inline <{tag}>")
    return "sha256-" + base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode()


handler = lambda_handler(app, "meta")
