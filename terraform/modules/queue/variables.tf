variable "name" {
  description = "Queue name (e.g. `shop-dev-orders`); the DLQ is `<name>-dlq`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,76}$", var.name))
    error_message = "SQS queue names are letters, digits, '_' and '-' (at most 76 here, to leave room for '-dlq')."
  }
}

variable "topic_arn" {
  description = "ARN of the SNS topic the queue subscribes to; the only sender the queue policy admits."
  type        = string
}

variable "event_types" {
  description = "Event types the consuming service handles (resources.json `consumes`), used as the filter policy on the `event_type` message attribute."
  type        = list(string)

  validation {
    condition     = length(var.event_types) > 0
    error_message = "A queue without event types would receive nothing: give at least one."
  }
}

variable "max_receive_count" {
  description = "Receives before a message moves to the DLQ (resources.json queue_defaults.max_receive_count)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "visibility_timeout_seconds" {
  description = "Minimum visibility timeout (resources.json queue_defaults); raised to 6 x function_timeout_seconds + batching window when that is larger."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "The visibility timeout is 0 to 43200 seconds."
  }
}

variable "function_timeout_seconds" {
  description = "Timeout of the consuming Lambda function; the visibility timeout is at least 6 times this."
  type        = number
}

variable "maximum_batching_window_in_seconds" {
  description = "Batching window of the event source mapping, added to the visibility timeout."
  type        = number
  default     = 0
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message (resources.json queue_defaults): 60 seconds to 7 days, half its DLQ's retention (main.tf says why)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 604800
    error_message = "Retention is 60 seconds to 7 days: the DLQ's 14 days count from a message's first enqueue in the queue, so a longer retention leaves too little time to redrive."
  }
}

variable "max_message_age_seconds" {
  description = "Alarm threshold for ApproximateAgeOfOldestMessage."
  type        = number
  default     = 300
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for SSE of the queue and its DLQ."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the alarms."
  type        = string
}

variable "tags" {
  description = "Tags for the queues and alarms."
  type        = map(string)
  default     = {}
}
