# Operations view of the system: the alarm topic every alarm of every module
# sends to (KMS encrypted, optional e-mail subscriptions), API alarms, and one
# CloudWatch dashboard: API latency and 5xx, Lambda errors and duration,
# queue depths, DLQs, and the business metrics the services emit with
# Powertools (namespace Shop): OrdersPlaced, OrdersConfirmed,
# OrdersCancelled, Revenue.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name

  lambda_errors = [for f in var.function_names : ["AWS/Lambda", "Errors", "FunctionName", f]]
  lambda_p99    = [for f in var.function_names : ["AWS/Lambda", "Duration", "FunctionName", f, { stat = "p99" }]]
  queue_depths  = [for q in var.queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
  queue_ages    = [for q in var.queue_names : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q]]
  dlq_depths    = [for q in var.dlq_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]

  widgets = [
    {
      type = "metric", x = 0, y = 0, width = 12, height = 6
      properties = {
        title  = "API latency (p50 / p99, ms)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/ApiGateway", "Latency", "ApiId", var.api_id, { stat = "p50" }],
          ["AWS/ApiGateway", "Latency", "ApiId", var.api_id, { stat = "p99" }],
          ["AWS/ApiGateway", "IntegrationLatency", "ApiId", var.api_id, { stat = "p99" }],
        ]
      }
    },
    {
      type = "metric", x = 12, y = 0, width = 12, height = 6
      properties = {
        title  = "API requests, 4xx and 5xx"
        region = local.region
        view   = "timeSeries"
        period = 60
        stat   = "Sum"
        metrics = [
          ["AWS/ApiGateway", "Count", "ApiId", var.api_id],
          ["AWS/ApiGateway", "4xx", "ApiId", var.api_id],
          ["AWS/ApiGateway", "5xx", "ApiId", var.api_id],
        ]
      }
    },
    {
      type = "metric", x = 0, y = 6, width = 12, height = 6
      properties = {
        title   = "Lambda errors"
        region  = local.region
        view    = "timeSeries"
        period  = 300
        stat    = "Sum"
        metrics = local.lambda_errors
      }
    },
    {
      type = "metric", x = 12, y = 6, width = 12, height = 6
      properties = {
        title   = "Lambda duration p99 (ms)"
        region  = local.region
        view    = "timeSeries"
        period  = 300
        metrics = local.lambda_p99
      }
    },
    {
      type = "metric", x = 0, y = 12, width = 8, height = 6
      properties = {
        title   = "Queue depth (visible messages)"
        region  = local.region
        view    = "timeSeries"
        period  = 60
        stat    = "Maximum"
        metrics = local.queue_depths
      }
    },
    {
      type = "metric", x = 8, y = 12, width = 8, height = 6
      properties = {
        title   = "Age of oldest message (s)"
        region  = local.region
        view    = "timeSeries"
        period  = 60
        stat    = "Maximum"
        metrics = local.queue_ages
      }
    },
    {
      type = "metric", x = 16, y = 12, width = 8, height = 6
      properties = {
        title   = "DLQs (must stay at 0)"
        region  = local.region
        view    = "singleValue"
        period  = 60
        stat    = "Maximum"
        metrics = local.dlq_depths
      }
    },
    {
      type = "metric", x = 0, y = 18, width = 12, height = 6
      properties = {
        title  = "Orders"
        region = local.region
        view   = "timeSeries"
        period = 300
        stat   = "Sum"
        metrics = [
          [{ expression = "SUM(SEARCH('{Shop,service} MetricName=\"OrdersPlaced\"', 'Sum', 300))", label = "OrdersPlaced", id = "placed" }],
          [{ expression = "SUM(SEARCH('{Shop,service} MetricName=\"OrdersConfirmed\"', 'Sum', 300))", label = "OrdersConfirmed", id = "confirmed" }],
          [{ expression = "SUM(SEARCH('{Shop,service} MetricName=\"OrdersCancelled\"', 'Sum', 300))", label = "OrdersCancelled", id = "cancelled" }],
        ]
      }
    },
    {
      type = "metric", x = 12, y = 18, width = 12, height = 6
      properties = {
        title  = "Revenue (minor units)"
        region = local.region
        view   = "timeSeries"
        period = 3600
        stat   = "Sum"
        metrics = [
          [{ expression = "SUM(SEARCH('{Shop,service} MetricName=\"Revenue\"', 'Sum', 3600))", label = "Revenue", id = "revenue" }],
        ]
      }
    },
  ]
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

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name_prefix}-api-5xx"
  alarm_description   = "The API answered 5xx: bad input never should (API.md), so this is a bug or an outage."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = var.api_id, Stage = "$default" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.api_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_latency_p99" {
  alarm_name          = "${var.name_prefix}-api-latency-p99"
  alarm_description   = "p99 API latency above ${var.api_latency_p99_threshold_ms} ms."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = { ApiId = var.api_id, Stage = "$default" }
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.api_latency_p99_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}
