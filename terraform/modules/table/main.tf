# One DynamoDB table of one service: the shared key schema of
# resources.json "table_defaults" (pk/sk + sparse GSIs), on-demand capacity,
# point-in-time recovery, SSE with the customer managed key, TTL, and a
# NEW_IMAGE stream when the service publishes events through its outbox.
# With replicas (multi-region) it is a global table (version 2019.11.21): every
# replica gets PITR and SSE with a key of its own region, and the stream must
# carry new and old images (a requirement of global tables) on every table.

locals {
  key_attributes = distinct(compact(concat(
    [var.hash_key, var.range_key],
    flatten([for index in var.indexes : [index.hash_key, index.range_key]]),
  )))

  replicated       = length(var.replicas) > 0
  stream_enabled   = var.stream_enabled || local.replicated
  stream_view_type = local.replicated ? "NEW_AND_OLD_IMAGES" : (var.stream_enabled ? "NEW_IMAGE" : null)
}

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = var.hash_key
  range_key                   = var.range_key
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = local.stream_enabled
  stream_view_type            = local.stream_view_type

  dynamic "attribute" {
    for_each = local.key_attributes
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = { for index in var.indexes : index.name => index }
    content {
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  ttl {
    attribute_name = var.ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  dynamic "replica" {
    for_each = { for replica in var.replicas : replica.region => replica }
    content {
      region_name            = replica.key
      kms_key_arn            = replica.value.kms_key_arn
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  tags = var.tags
}

# The table's paged alarms. ThrottledRequests and SystemErrors exist only per operation
# (dimensions TableName and Operation), so each alarm sums them over the operations with a
# Metrics Insights query; a throttle of an index counts as its table's request.
module "alarms" {
  source = "../alarms"

  name_prefix     = "${var.name}-table"
  namespace       = "AWS/DynamoDB"
  alarm_topic_arn = var.alarm_topic_arn
  tags            = var.tags

  alarms = {
    throttles = {
      description         = "Requests to ${var.name} were throttled (on demand: a hot partition or the table's maximum): the SDK's retries ran out or slowed the functions (see docs/operations.md)."
      query               = "SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = '${aws_dynamodb_table.this.name}'"
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
    }
    system-errors = {
      description         = "DynamoDB answered 5xx for ${var.name}: an AWS-side fault; check the AWS Health Dashboard (see docs/operations.md)."
      query               = "SELECT SUM(SystemErrors) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = '${aws_dynamodb_table.this.name}'"
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
    }
  }
}

# Each replica's lag behind this table: what a failover to its region would lose.
module "replication_alarms" {
  source   = "../alarms"
  for_each = { for replica in var.replicas : replica.region => replica }

  name_prefix     = "${var.name}-table-${each.key}"
  namespace       = "AWS/DynamoDB"
  dimensions      = { TableName = aws_dynamodb_table.this.name, ReceivingRegion = each.key }
  alarm_topic_arn = var.alarm_topic_arn
  tags            = var.tags

  alarms = {
    replication-latency = {
      description        = "Writes to ${var.name} have taken more than ${var.replication_latency_threshold_ms} ms on average to reach ${each.key} for 5 minutes: a failover there would lose them (see docs/operations.md)."
      metric_name        = "ReplicationLatency"
      statistic          = "Average"
      period             = 60
      evaluation_periods = 5
      threshold          = var.replication_latency_threshold_ms
    }
  }
}
