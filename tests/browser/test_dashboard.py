"""The analytics dashboard in a real browser (Debian's chromium, driven by Playwright) against
an embedded stack: the admin logs in on the page, and the charts draw the projected figures
of carts filled and orders placed over HTTP. The screenshot lands in .reports/screenshots/dashboard.png."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from features.steps import Shop, eventually, login
from tests.support.browser import chromium

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]

# nothing but loopback resolves: the page may load nothing from elsewhere
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
SCREENSHOT = Path(__file__).resolve().parents[2] / ".reports" / "screenshots" / "dashboard.png"
PAID, DECLINED, ABANDONED = 3, 1, 1


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    from shop.local.orchestration.stack import EmbeddedStack

    with EmbeddedStack(port=0, seed=True) as running:
        assert running.seed_report is not None
        assert running.seed_report.ok, running.seed_report.summary()
        yield running


@pytest.fixture(scope="module")
def figures(stack: Any) -> dict[str, Any]:
    """Fill carts and place orders over HTTP (some paid, one declined, one cart never checked
    out), then wait for the projection. The figures before them are the baseline: a stack
    shared with other tests may hold orders."""
    admin = login(stack.url, stack.admin_email, stack.admin_password)
    shop = Shop(stack.url, admin_token=lambda: admin)

    def analytics() -> dict[str, Any]:
        answer = requests.get(
            f"{stack.url}/admin/analytics", headers={"Authorization": f"Bearer {admin}"}, timeout=10
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    before = analytics()["conversion"]
    product = shop.pick_product()
    payments = ["tok_visa"] * PAID + ["tok_chargeDeclined"] * DECLINED + [None] * ABANDONED
    for index, payment in enumerate(payments):
        name = f"shopper-{index}-{uuid.uuid4().hex[:6]}"
        shop.register(name)
        assert shop.put_in_cart(name, product["product_id"], index + 1).status_code == 200, shop.answer.text
        if payment is not None:
            assert shop.check_out(name, payment_token=payment).status_code == 202, shop.answer.text

    def projected() -> dict[str, Any]:
        body = analytics()
        now = body["conversion"]
        assert now["carts"] - before["carts"] >= PAID + DECLINED + ABANDONED, now
        assert now["orders"] - before["orders"] == PAID + DECLINED, now
        assert now["confirmed"] - before["confirmed"] == PAID, now
        assert sum(now["cancelled"].values()) - sum(before["cancelled"].values()) == DECLINED, now
        return body

    return eventually(projected, seconds=60)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium([LOOPBACK_ONLY]) as launched:
        yield launched


def test_the_admin_logs_in_and_sees_the_charts_drawn_from_the_projections(
    stack: Any, figures: dict[str, Any], browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request", lambda request: None if request.url.startswith(stack.url) else outside.append(request.url)
    )

    page.goto(f"{stack.url}/admin/dashboard")
    page.fill("#email", stack.admin_email)
    page.fill("#password", stack.admin_password)
    page.click("#login button[type=submit]")
    page.wait_for_selector("body[data-loaded]", timeout=15_000)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    def drawn(selector: str) -> list[str]:
        return [
            str(value)
            for value in page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.value)")
        ]

    hours = figures["hours"]
    for series in ("placed", "confirmed", "cancelled"):
        values = drawn(f"#orders-chart rect[data-series={series}]")
        assert len(values) == len(hours)
        assert sum(map(int, values)) == sum(h[series] for h in hours), series
    assert sum(h["confirmed"] for h in hours) >= PAID

    (eur,) = [r for r in figures["revenue"] if r["currency"] == "EUR"]
    assert int(eur["net"]) > 0
    assert drawn("#revenue-chart rect[data-label=EUR]") == [eur["net"]]
    conversion = figures["conversion"]
    assert drawn("#conversion-chart rect[data-label=carts]") == [str(conversion["carts"])]
    assert conversion["carts"] >= PAID + DECLINED, "every order placed came from a cart started"
    assert drawn("#conversion-chart rect[data-label=confirmed]") == [str(conversion["confirmed"])]
    assert drawn("#latency-chart rect[data-label=p50]") == [str(figures["latency"]["p50_ms"])]

    top = figures["top_products"]
    assert top, "the confirmed orders sold something"
    assert drawn("#products-chart rect") == [str(p["units"]) for p in top]
    assert top[0]["name"] in (page.text_content("#products-chart") or "")

    queues = page.inner_text("#queues")
    assert "analytics" in queues
    assert "orders" in queues

    assert problems == [], "the page logged errors (a Content-Security-Policy violation shows here)"
    assert outside == [], "the page loaded something from elsewhere"
