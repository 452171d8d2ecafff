"""What can go wrong in analytics, in its own words."""

from __future__ import annotations


class FactsChanged(Exception):
    """Another event of the same order was counted between our read and our write: read again."""
