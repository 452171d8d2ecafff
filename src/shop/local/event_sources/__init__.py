"""What invokes functions besides HTTP: the SQS queue pollers and the DynamoDB stream relay."""
