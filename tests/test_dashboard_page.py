"""GET /admin/dashboard: the analytics page, served by meta with the other static pages
(it holds no data: it logs the admin in and draws GET /admin/analytics in the browser),
locked down to its own inline script and style, and shipped in the meta zip."""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from pathlib import Path

from shop.meta.handlers.http import handler
from shop_tools import package
from tests.support.http_events import api_request


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_page_is_public_holds_no_data_and_may_run_only_its_own_code() -> None:
    response = handler(api_request("GET", "/admin/dashboard"), None)
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("text/html")
    policy = response["headers"]["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'sha256-" in policy
    assert "connect-src 'self'" in policy
    assert "/admin/analytics" in response["body"]
    assert "http://" not in response["body"].replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in response["body"]


def test_the_policy_allows_exactly_the_inline_script_and_style_and_is_never_cached_stale() -> None:
    response = handler(api_request("GET", "/admin/dashboard"), None)
    page, headers = response["body"], response["headers"]
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    policy = headers["Content-Security-Policy"]
    assert f"script-src {sha256_source(script)};" in policy
    assert f"style-src {sha256_source(style)};" in policy
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_meta_zip_ships_the_page(tmp_path: Path) -> None:
    package.main(["--no-deps", "--only", "meta", "--out", str(tmp_path)])
    with zipfile.ZipFile(tmp_path / "meta.zip") as archive:
        assert "shop/meta/dashboard.html" in archive.namelist()
