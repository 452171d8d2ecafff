"""The cart's rules: lines, limits, one currency, idle expiry, emptying after a confirmed order."""
