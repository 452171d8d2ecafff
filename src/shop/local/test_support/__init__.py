"""Stand-ins the tests (and `make run`) use: fault injection (chaos), a fake Stripe (localstripe),
and the events a handler receives, for calling it in-process (lambda_events; the bench too)."""
