"""GET /docs: Swagger UI from the swagger-ui-py package (no CDN), every file the page loads
served by meta; Lambda gets the two files in the meta zip, not the package in the layer."""

from __future__ import annotations

import base64
import gzip
import re
import subprocess
import zipfile
from pathlib import Path

from shop.meta.handlers.http import DOCS_ASSETS, handler
from shop_tools import package
from tests.support.http_events import api_request

REPO = Path(__file__).resolve().parent.parent


def body_bytes(answer: dict[str, object]) -> bytes:
    body = str(answer["body"])
    return base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()


def test_the_page_loads_only_files_meta_serves_and_the_document() -> None:
    answer = handler(api_request("GET", "/docs"), None)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("text/html")
    page = answer["body"]
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert loaded
    assert all(url.startswith("docs/") for url in loaded), loaded  # relative: no CDN
    assert {url.removeprefix("docs/") for url in loaded} <= DOCS_ASSETS.keys()
    assert 'url: "openapi.json"' in page


def test_every_asset_is_served_with_its_media_type() -> None:
    for name, media_type in DOCS_ASSETS.items():
        answer = handler(api_request("GET", f"/docs/{name}"), None)
        assert answer["statusCode"] == 200, name
        assert answer["headers"]["Content-Type"] == media_type
        assert len(body_bytes(answer)) > 100, name
    script = body_bytes(handler(api_request("GET", "/docs/swagger-ui-bundle.js"), None))
    assert b"SwaggerUIBundle" in script
    assert b'"5.' in script  # Swagger UI 5: the first major version that renders OpenAPI 3.1


def test_assets_are_gzipped_for_clients_that_accept_it() -> None:
    answer = handler(api_request("GET", "/docs/swagger-ui.css", headers={"Accept-Encoding": "gzip"}), None)
    assert answer["headers"]["Content-Encoding"] == "gzip"
    assert b".swagger-ui" in gzip.decompress(body_bytes(answer))


def test_anything_else_under_docs_is_a_404_problem() -> None:
    for name in ("index.html", "swagger-editor-bundle.js", "favicon-32x32.png"):
        answer = handler(api_request("GET", f"/docs/{name}"), None)
        assert answer["statusCode"] == 404, name
        assert answer["headers"]["Content-Type"] == "application/problem+json"


def test_the_meta_zip_ships_the_files_and_the_layer_not_the_package(tmp_path: Path) -> None:
    """The layer holds the runtime dependencies package.py exports from uv.lock (the build
    itself needs the package index, so it runs in the pipeline, not here): swagger-ui-py and
    what it drags in (jinja2, PyYAML, which dependency-injector imports when present) stay out."""
    exported = subprocess.run(
        [package.find_uv(), "export", "--frozen", "--no-dev", "--no-default-groups", "--no-emit-project"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in ("swagger-ui-py", "jinja2", "pyyaml"):
        assert not re.search(rf"^{name}==", exported, re.MULTILINE | re.IGNORECASE), name
    package.main(["--no-deps", "--only", "meta", "--out", str(tmp_path)])
    with zipfile.ZipFile(tmp_path / "meta.zip") as archive:
        names = set(archive.namelist())
    assert {f"shop/meta/swagger_ui/{asset}" for asset in DOCS_ASSETS} <= names
