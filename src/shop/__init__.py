"""The shop backend: users, catalog, cart, orders and payments (plus analytics), each a
hexagonal package, and the platform they share."""

from shop.platform.cold_start import pause_collection

pause_collection()  # before anything heavy is imported: see shop.platform.cold_start
