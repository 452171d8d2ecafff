"""The analytics service: projections of the order events (orders per hour, revenue, conversion,
202→CONFIRMED latency, top products) and the admin's dashboard that shows them."""
