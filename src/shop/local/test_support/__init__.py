"""Stand-ins the tests (and `make run`) use: fault injection (chaos) and a fake Stripe (localstripe)."""
