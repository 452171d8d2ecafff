"""Cognito, DynamoDB and SNS behind the users service's ports."""
