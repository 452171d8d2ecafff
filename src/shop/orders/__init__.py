"""The orders service: the order state machine and the checkout saga that drives it."""
