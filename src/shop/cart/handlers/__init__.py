"""Lambda entry points of the cart service."""
