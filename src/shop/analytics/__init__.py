"""The analytics service: projections of the order events (orders per hour, revenue, conversion,
202→CONFIRMED latency, top products), read by the admin at GET /admin/analytics. The
dashboard page that draws them is static, and meta serves it."""
