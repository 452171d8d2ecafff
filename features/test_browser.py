"""In a real browser (headless Chromium): a page served from http://localhost:<port> calls the
API across origins (a simple GET, and a POST that needs a preflight), and /docs renders the
API with nothing loaded from anywhere but the API itself."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.browser import chromium

pytestmark = pytest.mark.slow

FRONTEND = """<!DOCTYPE html>
<html><body><pre id="out">waiting</pre>
<script>
const api = new URLSearchParams(location.search).get("api");
async function run() {
  const products = await fetch(api + "/products?limit=3");
  const page = await products.json();
  const login = await fetch(api + "/auth/login", {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-Request-Id": "from-the-browser"},
    body: JSON.stringify({email: "nobody@example.com", password: "wrong-password-1"}),
  });
  const problem = await login.json();
  document.getElementById("out").textContent = JSON.stringify({
    products: page.items.map(p => p.name),
    login: login.status,
    problem: problem.type,
    requestId: login.headers.get("X-Request-Id"),
  });
}
run().catch(error => { document.getElementById("out").textContent = "failed: " + error; });
</script></body></html>
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def frontend() -> Iterator[str]:
    """A static site on 127.0.0.1, reached as http://localhost:<port>: another origin than the API's."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = FRONTEND.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_localhost_calls_the_api_across_origins(
    browser: Any, frontend: str, shop_url: str, shop_stack: Any
) -> None:
    if shop_stack is None:
        pytest.skip("localhost origins are what `make run` allows; SHOP_API_URL names a deployment")
    page = browser.new_page()
    try:
        page.goto(f"{frontend}/?api={shop_url}")
        page.wait_for_function("document.getElementById('out').textContent !== 'waiting'", timeout=15_000)
        outcome = page.text_content("#out")
    finally:
        page.close()
    assert outcome is not None
    assert not outcome.startswith("failed"), outcome  # a CORS refusal shows as "failed: TypeError"
    result = json.loads(outcome)
    assert len(result["products"]) == 3
    assert (result["login"], result["problem"]) == (401, "/problems/unauthorized")
    assert result["requestId"] == "from-the-browser"  # an exposed header, read by the page


def test_the_docs_page_renders_every_operation_from_the_api_alone(browser: Any, shop_url: str) -> None:
    api_host = urlsplit(shop_url).netloc
    elsewhere: list[str] = []
    page = browser.new_page()

    def only_the_api(route: Any) -> None:
        if urlsplit(route.request.url).netloc == api_host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    try:
        page.route("**/*", only_the_api)
        page.goto(f"{shop_url}/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        title = page.text_content(".swagger-ui .info .title")
        operations = page.locator(".opblock").count()
        errors = page.locator(".swagger-ui .errors-wrapper").count()
    finally:
        page.close()
    assert title is not None
    assert "Shop API" in title
    assert operations >= 20
    assert errors == 0
    assert not elsewhere, f"the docs page loaded from elsewhere: {elsewhere}"
