# The outbox relay: one function fed by the DynamoDB Streams (NEW_IMAGE) of the
# tables whose services publish events (resources.json outbox_relay.tables).
# It publishes the outbox records to the events topic. Failed batches are
# bisected to isolate the bad record, retried, and finally sent to an SQS
# on-failure destination (alarmed), so no event is silently lost.
# Multi-region (own_region set): the mappings filter the stream so that only
# records written in this region invoke the relay (the code checks it again).

locals {
  # Lambda event filtering ORs the patterns. The attribute is
  # shop.platform.outbox.REGION_ATTRIBUTE; only outbox records carry it.
  region_patterns = {
    own = { eventName = ["INSERT"], dynamodb = { NewImage = { region = { S = [var.own_region] } } } }
    unstamped = {
      eventName = ["INSERT"]
      dynamodb  = { NewImage = { pk = { S = [{ prefix = "OUTBOX#" }] }, region = { S = [{ exists = false }] } } }
    }
  }
  region_filters = [
    for key, pattern in local.region_patterns : jsonencode(pattern)
    if var.own_region != null && (key == "own" || var.relay_unstamped_records)
  ]
}

resource "aws_sqs_queue" "failures" {
  name                              = "${var.name}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

module "alarms" {
  source = "../alarms"

  name_prefix     = var.name
  namespace       = "AWS/SQS"
  dimensions      = { QueueName = aws_sqs_queue.failures.name }
  alarm_topic_arn = var.alarm_topic_arn
  tags            = var.tags

  alarms = {
    dlq-not-empty = {
      description = "The outbox relay gave up on stream records: their events were not published. Inspect ${aws_sqs_queue.failures.name}."
      metric_name = "ApproximateNumberOfMessagesVisible"
      statistic   = "Maximum"
      period      = 60
      threshold   = 0
    }
  }
}

data "aws_region" "current" {}

# Endpoints of the stage's partition (aws, aws-cn, aws-us-gov).
data "aws_partition" "current" {}

data "aws_iam_policy_document" "relay" {
  statement {
    sid       = "ReadOutboxStreams"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = values(var.stream_arns)
  }

  # dynamodb:ListStreams has no resource-level permissions: "*" is required.
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  statement {
    sid       = "PublishEvents"
    actions   = ["sns:Publish"]
    resources = [var.events_topic_arn]
  }

  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn]
  }

  # Publishing to the encrypted topic and sending to the encrypted failure queue: only
  # through SNS and SQS (the environment's Decrypt is modules/function's).
  statement {
    sid       = "UseSystemKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [for service in ["sns", "sqs"] : "${service}.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"]
    }
  }
}

module "function" {
  source = "../function"

  name                 = var.name
  description          = "Shop outbox relay: DynamoDB Streams -> events topic"
  handler              = var.handler
  zip_path             = var.zip_path
  zip_hash             = var.zip_hash
  layer_arns           = var.layer_arns
  memory_size          = var.memory_size
  timeout              = var.timeout
  reserved_concurrency = var.reserved_concurrency
  environment = {
    SHOP_EVENTS_TOPIC_ARN        = var.events_topic_arn
    SHOP_TRACING                 = "active"
    POWERTOOLS_SERVICE_NAME      = "outbox_relay"
    POWERTOOLS_METRICS_NAMESPACE = "Shop"
  }
  policy_json          = data.aws_iam_policy_document.relay.json
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  alarm_topic_arn      = var.alarm_topic_arn
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_lambda_event_source_mapping" "stream" {
  for_each = var.stream_arns

  function_name                  = module.function.arn
  event_source_arn               = each.value
  starting_position              = "TRIM_HORIZON"
  batch_size                     = var.batch_size
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.maximum_retry_attempts
  parallelization_factor         = 1 # keep the per-item order of each shard

  dynamic "filter_criteria" {
    for_each = length(local.region_filters) > 0 ? [1] : []
    content {
      dynamic "filter" {
        for_each = local.region_filters
        content {
          pattern = filter.value
        }
      }
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures.arn
    }
  }
}

# The relay falling behind its streams: events reach the sagas late, and a stream keeps a
# record only 24 hours. IteratorAge is the function's, the oldest record of any of its
# mappings (one per table), so one alarm watches them all.
module "stream_alarms" {
  source = "../alarms"

  name_prefix     = var.name
  namespace       = "AWS/Lambda"
  dimensions      = { FunctionName = module.function.function_name }
  alarm_topic_arn = var.alarm_topic_arn
  tags            = var.tags

  alarms = {
    iterator-age = {
      description         = "${var.name} has been more than ${var.iterator_age_threshold_seconds} s behind a table's stream for 5 minutes: events reach the sagas late (see docs/operations.md)."
      metric_name         = "IteratorAge"
      statistic           = "Maximum"
      period              = 60
      evaluation_periods  = 5
      threshold           = var.iterator_age_threshold_seconds * 1000
      comparison_operator = "GreaterThanThreshold"
    }
  }
}
