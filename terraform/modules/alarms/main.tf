# CloudWatch metric alarms as data: one alarm per entry of var.alarms, named
# `<name_prefix>-<key>`, on one namespace, each notifying the alarm topic when
# it fires and when it recovers. Missing data is not breaching (an idle
# function or an empty queue is healthy). A row names a metric (metric_name) or
# a Metrics Insights query over the namespace (query). Every aws_cloudwatch_metric_alarm of
# the system is created here (a test checks it); the modules that own the
# resources list their alarms as rows.

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.query == null ? var.namespace : null
  metric_name         = each.value.metric_name
  dimensions          = each.value.query == null ? merge(var.dimensions, each.value.dimensions) : null
  statistic           = each.value.query == null && each.value.extended_statistic == null ? each.value.statistic : null
  extended_statistic  = each.value.extended_statistic
  period              = each.value.query == null ? each.value.period : null
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison_operator
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
  tags                = var.tags

  # A metric that exists only per operation (DynamoDB's SystemErrors): a Metrics Insights
  # query sums it over the dimension an alarm on one metric would have to name.
  dynamic "metric_query" {
    for_each = each.value.query == null ? [] : [each.value.query]
    content {
      id          = "q"
      expression  = metric_query.value
      period      = each.value.period
      return_data = true
    }
  }
}
