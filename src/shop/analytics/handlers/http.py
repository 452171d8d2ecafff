"""The admin's analytics: GET /admin/analytics (the figures, admin only). The page that
shows them, GET /admin/dashboard, is static and holds no data: meta serves it."""

from __future__ import annotations

from typing import Annotated

from shop.analytics.container import Container
from shop.analytics.domain.report import AnalyticsReport
from shop.analytics.service import dashboard
from shop.platform.http import build_http_app, documented, lambda_handler, require_admin
from shop.platform.routing import Query

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
    responses=documented(200, "The figures of the window", {}),  # no problem of its own
)
def get_analytics(hours: Hours = 24) -> AnalyticsReport:
    require_admin(app)
    return dashboard(
        hours, projections=container.projections(), queues=container.queues(), clock=container.clock()
    )


handler = lambda_handler(app, "analytics")
