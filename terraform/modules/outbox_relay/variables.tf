variable "name" {
  description = "Name of the relay function (e.g. `shop-dev-outbox-relay`); its failure queue is `<name>-dlq`."
  type        = string
}

variable "handler" {
  description = "Handler of the relay (resources.json outbox_relay.handler)."
  type        = string
}

variable "stream_arns" {
  description = "Stream ARN by service name, for the tables of resources.json outbox_relay.tables (keys must be known at plan time)."
  type        = map(string)

  validation {
    condition     = length(var.stream_arns) > 0
    error_message = "The relay needs at least one stream."
  }
}

variable "events_topic_arn" {
  description = "ARN of the events topic the relay publishes to."
  type        = string
}

variable "zip_path" {
  description = "Path of the relay's deployment package (dist/relay.zip)."
  type        = string
}

variable "zip_hash" {
  description = "filebase64sha256 of the deployment package."
  type        = string
}

variable "layer_arns" {
  description = "Lambda layers (the dependencies layer)."
  type        = list(string)
  default     = []
}

variable "memory_size" {
  description = "Memory of the relay in MB."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout of the relay in seconds."
  type        = number
  default     = 30
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the relay; null = unreserved."
  type        = number
  default     = null
}

variable "batch_size" {
  description = "Stream records per invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before its records go to the failure queue (-1 = until the record expires)."
  type        = number
  default     = 10

  validation {
    condition     = var.maximum_retry_attempts >= -1 && var.maximum_retry_attempts <= 10000
    error_message = "maximum_retry_attempts is -1 to 10000."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key (logs, environment, topic, failure queue)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the relay's log group."
  type        = number
  default     = 30
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the alarms."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "own_region" {
  description = "Multi-region: the relay's region. Its stream mappings then invoke it only for new outbox records stamped with this region (the outbox writer's AWS_REGION), so records a global table replicated from another region are never relayed twice. null = single region, no filter."
  type        = string
  default     = null
}

variable "relay_unstamped_records" {
  description = "With own_region: also relay outbox records that carry no region (written before the stamp existed). True in the primary region only; a secondary region must not republish a backlog its replicas received."
  type        = bool
  default     = true
  nullable    = false
}

variable "iterator_age_threshold_seconds" {
  description = "Alarm when the relay's oldest unread stream record is older than this for 5 minutes."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.iterator_age_threshold_seconds >= 60 && var.iterator_age_threshold_seconds < 86400
    error_message = "iterator_age_threshold_seconds is 60 s to under a day (a stream keeps records 24 hours)."
  }
}

variable "permissions_boundary" {
  description = "ARN of the managed policy that bounds every function's role (modules/function); null = none."
  type        = string
  default     = null
}
