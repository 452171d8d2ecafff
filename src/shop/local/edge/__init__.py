"""The edge: what API Gateway does before a function runs (routing, CORS, JWT
verification, throttling, and the gateway's own problems)."""
