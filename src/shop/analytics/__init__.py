"""The analytics service: projections of the order events (orders per hour, revenue, conversion,
202→CONFIRMED latency, top products), read by the admin at GET /admin/analytics; the dashboard page that draws
them is static and served by meta."""
