"""The admin's analytics: GET /admin/analytics (the figures, admin only) and GET
/admin/dashboard (the page that shows them; public, it holds no data)."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from importlib import resources
from typing import Annotated

from shop.analytics.container import Container
from shop.analytics.domain.report import AnalyticsReport
from shop.analytics.service import dashboard
from shop.platform.http import build_http_app, lambda_handler, require_admin
from shop.platform.routing import Query, Response

app = build_http_app("analytics")
container = Container()

MAX_HOURS = 7 * 24
Hours = Annotated[
    int, Query(ge=1, le=MAX_HOURS, description="How many hours to show, the current one included")
]


@app.get(
    "/admin/analytics",
    operation_id="getAnalytics",
    tags=["analytics"],
    summary="Orders per hour, revenue per currency, conversion, saga health and top products",
    responses={200: {"description": "The figures of the window"}},
)
def get_analytics(hours: Hours = 24) -> AnalyticsReport:
    require_admin(app)
    return dashboard(
        hours, projections=container.projections(), queues=container.queues(), clock=container.clock()
    )


@app.get(
    "/admin/dashboard",
    operation_id="getAdminDashboard",
    tags=["analytics"],
    summary="The analytics dashboard: a page that logs the admin in and draws GET /admin/analytics",
    responses={
        200: {"description": "An HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}
    },
)
def get_dashboard() -> Response[str]:
    page, policy = _page()
    headers = {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=page, headers=headers)


@cache
def _page() -> tuple[str, str]:
    """The page, and a policy that lets it run only its own inline script and style and talk
    only to this API: nothing else loads, from anywhere (`data:` is the empty icon that
    spares a request for /favicon.ico)."""
    page = resources.files("shop.analytics.handlers").joinpath("dashboard.html").read_text(encoding="utf-8")
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


handler = lambda_handler(app, "analytics")
