"""Lambda entry points of the analytics service."""
