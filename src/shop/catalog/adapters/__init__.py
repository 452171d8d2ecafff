"""DynamoDB adapters of the catalog's ports."""
