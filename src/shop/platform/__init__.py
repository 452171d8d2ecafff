"""AWS-side plumbing shared by the services: HTTP, events, DynamoDB, observability."""
