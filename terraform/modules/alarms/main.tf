# CloudWatch metric alarms as data: one alarm per entry of var.alarms, named
# `<name_prefix>-<key>`, on one namespace, each notifying the alarm topic when
# it fires and when it recovers. Missing data is not breaching (an idle
# function or an empty queue is healthy). Every aws_cloudwatch_metric_alarm of
# the system is created here (a test checks it); the modules that own the
# resources list their alarms as rows.

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = var.namespace
  metric_name         = each.value.metric_name
  dimensions          = merge(var.dimensions, each.value.dimensions)
  statistic           = each.value.extended_statistic == null ? each.value.statistic : null
  extended_statistic  = each.value.extended_statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison_operator
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
  tags                = var.tags
}
