"""DynamoDB and HTTP adapters of the orders ports."""
