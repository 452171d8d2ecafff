"""The cart service: each customer's cart, priced at the catalog's current prices."""
