variable "name_prefix" {
  description = "Prefix of the alarm names: each alarm is `<name_prefix>-<key>` (e.g. `shop-dev-orders-http-errors`)."
  type        = string
}

variable "namespace" {
  description = "CloudWatch namespace of the alarms' metrics (e.g. `AWS/Lambda`)."
  type        = string
}

variable "dimensions" {
  description = "Dimensions common to every alarm (e.g. the function name); an alarm's own `dimensions` are merged over them."
  type        = map(string)
  default     = {}
}

variable "alarms" {
  description = <<-EOT
    Alarms by key (the key ends the alarm name). `statistic` (default Sum) applies unless
    `extended_statistic` (a percentile such as p99) is set; `datapoints_to_alarm` null means
    all `evaluation_periods`. A row names either `metric_name` (on `namespace` and
    `dimensions`) or `query`, a CloudWatch Metrics Insights query returning one series.
  EOT
  type = map(object({
    description         = string
    metric_name         = optional(string)
    query               = optional(string)
    dimensions          = optional(map(string), {})
    statistic           = optional(string, "Sum")
    extended_statistic  = optional(string)
    period              = optional(number, 300)
    evaluation_periods  = optional(number, 1)
    datapoints_to_alarm = optional(number)
    threshold           = number
    comparison_operator = optional(string, "GreaterThanThreshold")
  }))

  validation {
    condition     = length(var.alarms) > 0
    error_message = "Give at least one alarm."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : (a.metric_name == null) != (a.query == null)])
    error_message = "Each alarm names exactly one of metric_name and query."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(["SampleCount", "Average", "Sum", "Minimum", "Maximum"], a.statistic)])
    error_message = "statistic must be SampleCount, Average, Sum, Minimum or Maximum (percentiles go in extended_statistic)."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : a.datapoints_to_alarm == null || try(a.datapoints_to_alarm <= a.evaluation_periods, false)])
    error_message = "datapoints_to_alarm cannot exceed evaluation_periods."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives every alarm (alarm and OK actions)."
  type        = string
}

variable "tags" {
  description = "Tags for the alarms."
  type        = map(string)
  default     = {}
}
