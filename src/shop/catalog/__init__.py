"""The catalog: products, their stock, stock reservations for orders and "bought together" counts."""
