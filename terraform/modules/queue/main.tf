# The SQS queue of one consuming service: queue + DLQ + redrive, subscribed to
# the events topic with raw message delivery and a filter policy on the
# `event_type` message attribute, a queue policy that admits only that topic,
# SSE with the customer managed key, and alarms (DLQ not empty, oldest
# message too old). An event SNS cannot deliver to the queue (a mistake in its
# policy, say) goes to the same DLQ after SNS's retries, where its alarm sees it,
# instead of being dropped.

locals {
  # AWS advice for Lambda event sources: visibility timeout >= 6 x the
  # function timeout (+ the batching window), so a batch that is retried by
  # Lambda is not delivered twice in parallel.
  visibility_timeout_seconds = max(
    var.visibility_timeout_seconds,
    6 * var.function_timeout_seconds + var.maximum_batching_window_in_seconds,
  )
}

# The DLQ keeps a message 14 days (SQS's maximum) from its first enqueue in the queue, not from
# its move here (a standard DLQ keeps that timestamp): the queue's own retention, at most 7 days
# (resources.json: 4, far above max_receive_count x the visibility timeout), leaves every
# message a week at least to be inspected and redriven.
resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name}-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = var.name
  visibility_timeout_seconds        = local.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

# The events topic is the only sender: to the queue, and to the DLQ what it could not deliver.
data "aws_iam_policy_document" "topic_sends" {
  for_each = { queue = aws_sqs_queue.this.arn, dlq = aws_sqs_queue.dlq.arn }

  statement {
    sid       = "OnlyTheEventsTopicSends"
    actions   = ["sqs:SendMessage"]
    resources = [each.value]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.topic_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.topic_sends["queue"].json
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.topic_sends["dlq"].json
}

resource "aws_sns_topic_subscription" "this" {
  topic_arn            = var.topic_arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this.arn
  raw_message_delivery = true
  filter_policy_scope  = "MessageAttributes"
  filter_policy        = jsonencode({ event_type = sort(var.event_types) })
  redrive_policy       = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn })

  depends_on = [aws_sqs_queue_policy.this, aws_sqs_queue_policy.dlq]
}

# One row per alarm (modules/alarms): DLQ not empty, oldest message too old.
module "alarms" {
  source = "../alarms"

  name_prefix     = var.name
  namespace       = "AWS/SQS"
  alarm_topic_arn = var.alarm_topic_arn
  tags            = var.tags

  alarms = {
    dlq-not-empty = {
      description = "Messages of ${var.name} failed ${var.max_receive_count} times, or events SNS could not deliver to it, landed in its DLQ: inspect and redrive."
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.dlq.name }
      statistic   = "Maximum"
      period      = 60
      threshold   = 0
    }
    oldest-message-age = {
      description        = "The oldest message in ${var.name} waits longer than ${var.max_message_age_seconds}s: the consumer is failing or too slow."
      metric_name        = "ApproximateAgeOfOldestMessage"
      dimensions         = { QueueName = aws_sqs_queue.this.name }
      statistic          = "Maximum"
      period             = 60
      evaluation_periods = 5
      threshold          = var.max_message_age_seconds
    }
  }
}
