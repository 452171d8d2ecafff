variable "name_prefix" {
  description = "Prefix of resource names and the dashboard name (e.g. `shop-dev`)."
  type        = string
}

variable "account_id" {
  description = "AWS account id (only CloudWatch alarms of this account may publish to the alarm topic)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "An AWS account id is 12 digits."
  }
}

variable "api_id" {
  description = "Id of the HTTP API."
  type        = string
}

variable "function_names" {
  description = "Names of every Lambda function (errors and duration widgets)."
  type        = list(string)
  default     = []
}

variable "relay_name" {
  description = "Name of the outbox relay function (its IteratorAge widget)."
  type        = string
}

variable "table_names" {
  description = "Names of the DynamoDB tables (throttles and system errors widgets; replication latency when replicated)."
  type        = list(string)
  default     = []
}

variable "replica_region" {
  description = "Region of the tables' replicas (multi-region primary), for the replication latency widget; null = none."
  type        = string
  default     = null
}

variable "queue_names" {
  description = "Names of the service queues (depth and age widgets)."
  type        = list(string)
  default     = []
}

variable "dlq_names" {
  description = "Names of every DLQ, including the relay's failure queue."
  type        = list(string)
  default     = []
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "api_5xx_threshold" {
  description = "5xx responses per 5 minutes that raise the API alarm."
  type        = number
  default     = 1
}

variable "api_latency_p99_threshold_ms" {
  description = "p99 API latency (ms) that raises the latency alarm."
  type        = number
  default     = 1000
}

variable "kms_key_arn" {
  description = "Customer managed KMS key encrypting the alarm topic (its policy lets CloudWatch use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (a customer managed key: CloudWatch cannot use an AWS managed one)."
  }
}

variable "tags" {
  description = "Tags for the topic and alarms."
  type        = map(string)
  default     = {}
}
