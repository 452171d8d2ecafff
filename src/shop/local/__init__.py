"""The embedded local stack: moto, a local API gateway, event-source pollers and the
outbox relay in one process on 127.0.0.1 (`python -m shop.local`, and the test fixtures)."""
