# Operations view of the system: the alarm topic every alarm of every module
# sends to (KMS encrypted, optional e-mail subscriptions), API alarms, and one
# CloudWatch dashboard: API latency and 5xx, Lambda errors and duration,
# queue depths, DLQs, the relay's IteratorAge, DynamoDB throttles, system errors
# and replication latency, and the business metrics the services emit with
# Powertools (namespace Shop): OrdersPlaced, OrdersConfirmed,
# OrdersCancelled, Revenue.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name

  # Metric lines: one per function / queue / DLQ, per API statistic, per
  # business metric (a SEARCH over the `service` dimension of namespace Shop).
  api_latency   = [for m in [["Latency", "p50"], ["Latency", "p99"], ["IntegrationLatency", "p99"]] : ["AWS/ApiGateway", m[0], "ApiId", var.api_id, { stat = m[1] }]]
  api_requests  = [for metric in ["Count", "4xx", "5xx"] : ["AWS/ApiGateway", metric, "ApiId", var.api_id]]
  lambda_errors = [for f in var.function_names : ["AWS/Lambda", "Errors", "FunctionName", f]]
  lambda_p99    = [for f in var.function_names : ["AWS/Lambda", "Duration", "FunctionName", f, { stat = "p99" }]]
  queue_depths  = [for q in var.queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
  queue_ages    = [for q in var.queue_names : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q]]
  dlq_depths    = [for q in var.dlq_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
  relay_age     = [["AWS/Lambda", "IteratorAge", "FunctionName", var.relay_name, { label = "outbox relay" }]]
  # DynamoDB's throttles and system errors exist per operation: a SEARCH sums each table's.
  table_sums = {
    for metric in ["ThrottledRequests", "SystemErrors"] : metric => [
      for index, table in var.table_names :
      [{ expression = "SUM(SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName=\"${metric}\" TableName=\"${table}\"', 'Sum', 60))", label = table, id = "${lower(metric)}${index}" }]
    ]
  }
  replication = var.replica_region == null ? [] : [
    for table in var.table_names : ["AWS/DynamoDB", "ReplicationLatency", "TableName", table, "ReceivingRegion", var.replica_region]
  ]
  business = {
    for metric, period in { OrdersPlaced = 300, OrdersConfirmed = 300, OrdersCancelled = 300, Revenue = 3600 } :
    metric => [{ expression = "SUM(SEARCH('{Shop,service} MetricName=\"${metric}\"', 'Sum', ${period}))", label = metric, id = lower(metric) }]
  }

  # The dashboard, row by row: the widgets of a row share its 24 columns
  # equally, every row is 6 high. Each widget is a time series unless it says
  # otherwise; `stat` is left out where each metric line has its own.
  dashboard_rows = [
    [
      { title = "API latency (p50 / p99, ms)", period = 60, metrics = local.api_latency },
      { title = "API requests, 4xx and 5xx", period = 60, stat = "Sum", metrics = local.api_requests },
    ],
    [
      { title = "Lambda errors", period = 300, stat = "Sum", metrics = local.lambda_errors },
      { title = "Lambda duration p99 (ms)", period = 300, metrics = local.lambda_p99 },
    ],
    [
      { title = "Queue depth (visible messages)", period = 60, stat = "Maximum", metrics = local.queue_depths },
      { title = "Age of oldest message (s)", period = 60, stat = "Maximum", metrics = local.queue_ages },
      { title = "DLQs (must stay at 0)", period = 60, stat = "Maximum", view = "singleValue", metrics = local.dlq_depths },
    ],
    concat(
      [
        { title = "Outbox relay behind its streams (IteratorAge, ms)", period = 60, stat = "Maximum", metrics = local.relay_age },
        { title = "DynamoDB throttled requests", period = 60, stat = "Sum", metrics = local.table_sums["ThrottledRequests"] },
        { title = "DynamoDB system errors", period = 60, stat = "Sum", metrics = local.table_sums["SystemErrors"] },
      ],
      var.replica_region == null ? [] : [
        { title = "Replication latency to ${var.replica_region} (ms)", period = 60, stat = "Average", metrics = local.replication },
      ],
    ),
    [
      { title = "Orders", period = 300, stat = "Sum", metrics = [for m in ["OrdersPlaced", "OrdersConfirmed", "OrdersCancelled"] : local.business[m]] },
      { title = "Revenue (minor units)", period = 3600, stat = "Sum", metrics = [local.business["Revenue"]] },
    ],
  ]

  widgets = flatten([
    for row, cells in local.dashboard_rows : [
      for column, cell in cells : {
        type       = "metric"
        x          = column * 24 / length(cells)
        y          = row * 6
        width      = 24 / length(cells)
        height     = 6
        properties = merge({ region = local.region, view = "timeSeries" }, cell)
      }
    ]
  ])
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# The payments service's own count (EMF, namespace Shop, dimension service): a provider notice
# that matched no payment the shop asked for. It recorded nothing and its money was refunded, but
# someone holds the webhook secret or the Stripe account and charged outside the shop.
module "payment_alarms" {
  source = "../alarms"

  name_prefix     = var.name_prefix
  namespace       = "Shop"
  dimensions      = { service = "payments" }
  alarm_topic_arn = aws_sns_topic.alarms.arn
  tags            = var.tags

  alarms = {
    payments-unmatched-notices = {
      description         = "A payment provider notice matched no payment the shop was waiting for (another amount or currency, or an order not waiting): nothing recorded, money refunded. Runbook: docs/operations.md."
      metric_name         = "UnmatchedPaymentNotices"
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
    }
  }
}

# One row per alarm (modules/alarms), on the $default stage of the API.
module "alarms" {
  source = "../alarms"

  name_prefix     = var.name_prefix
  namespace       = "AWS/ApiGateway"
  dimensions      = { ApiId = var.api_id, Stage = "$default" }
  alarm_topic_arn = aws_sns_topic.alarms.arn
  tags            = var.tags

  alarms = {
    api-5xx = {
      description         = "The API answered 5xx: bad input never should (docs/api.md), so this is a bug or an outage."
      metric_name         = "5xx"
      threshold           = var.api_5xx_threshold
      comparison_operator = "GreaterThanOrEqualToThreshold"
    }
    api-latency-p99 = {
      description         = "p99 API latency above ${var.api_latency_p99_threshold_ms} ms."
      metric_name         = "Latency"
      extended_statistic  = "p99"
      evaluation_periods  = 3
      datapoints_to_alarm = 2
      threshold           = var.api_latency_p99_threshold_ms
    }
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}
