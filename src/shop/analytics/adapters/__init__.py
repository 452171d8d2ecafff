"""The analytics service's adapters: its DynamoDB projection table and the SQS queues it watches."""
