"""DynamoDB carts and the catalog HTTP client."""
