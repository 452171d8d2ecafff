"""The payments service's adapters: its DynamoDB table and the payment provider."""
