# The alarms' contract, applied to a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py.

mock_provider "aws" {}

variables {
  name_prefix     = "shop-test-orders"
  namespace       = "AWS/DynamoDB"
  dimensions      = { TableName = "shop-test-orders" }
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:shop-test-alarms"
  alarms = {
    read-throttles = {
      description = "throttled reads"
      metric_name = "ReadThrottleEvents"
      threshold   = 1
    }
    system-errors = {
      description = "DynamoDB's own errors"
      query       = "SELECT SUM(SystemErrors) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName)"
      threshold   = 1
    }
  }
}

run "each_row_is_an_alarm_named_after_it_that_notifies_the_topic" {
  assert {
    condition     = output.names == { read-throttles = "shop-test-orders-read-throttles", system-errors = "shop-test-orders-system-errors" }
    error_message = "One alarm per row, named <name_prefix>-<key>."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_actions == toset([var.alarm_topic_arn]) && alarm.ok_actions == toset([var.alarm_topic_arn]) && alarm.treat_missing_data == "notBreaching"])
    error_message = "Every alarm notifies the topic when it fires and when it recovers; no data is healthy."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["read-throttles"].dimensions == var.dimensions && aws_cloudwatch_metric_alarm.this["read-throttles"].statistic == "Sum" && length(aws_cloudwatch_metric_alarm.this["read-throttles"].metric_query) == 0
    error_message = "A metric row is an alarm on its namespace, dimensions and statistic."
  }

  assert {
    condition     = one(aws_cloudwatch_metric_alarm.this["system-errors"].metric_query).expression == var.alarms["system-errors"].query && aws_cloudwatch_metric_alarm.this["system-errors"].namespace == null && aws_cloudwatch_metric_alarm.this["system-errors"].statistic == null
    error_message = "A query row is an alarm on its Metrics Insights query alone."
  }
}

run "refuses_a_row_with_both_a_metric_and_a_query" {
  command = plan

  variables {
    alarms = { both = { description = "x", metric_name = "SystemErrors", query = "SELECT SUM(SystemErrors) FROM \"AWS/DynamoDB\"", threshold = 1 } }
  }

  expect_failures = [var.alarms]
}

run "refuses_a_percentile_as_a_statistic" {
  command = plan

  variables {
    alarms = { latency = { description = "x", metric_name = "Latency", statistic = "p99", threshold = 1 } }
  }

  expect_failures = [var.alarms]
}

run "refuses_more_datapoints_than_periods" {
  command = plan

  variables {
    alarms = { latency = { description = "x", metric_name = "Latency", evaluation_periods = 1, datapoints_to_alarm = 2, threshold = 1 } }
  }

  expect_failures = [var.alarms]
}
