variable "name_prefix" {
  description = "Prefix of every resource name (e.g. `shop-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]+$", var.name_prefix))
    error_message = "SNS topic names take letters, digits, '-' and '_' only."
  }
}

variable "events_topic" {
  description = "Logical name of the integration events topic (resources.json events_topic)."
  type        = string
  default     = "events"
}

variable "notifications_topic" {
  description = "Logical name of the customer notifications topic (resources.json notifications_topic)."
  type        = string
  default     = "notifications"
}

variable "notification_emails" {
  description = "E-mail addresses subscribed to the customer notifications topic."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+$", e))])
    error_message = "Each notification e-mail must look like an e-mail address."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key used to encrypt both topics."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (a customer managed key, not an alias)."
  }
}

variable "tags" {
  description = "Tags for the topics."
  type        = map(string)
  default     = {}
}
