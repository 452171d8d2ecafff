variable "alias" {
  description = "Alias of the key, without the `alias/` prefix (e.g. `shop-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]+$", var.alias)) && !startswith(var.alias, "aws/")
    error_message = "The alias may contain letters, digits, '/', '_' and '-' and must not start with 'aws/'."
  }
}

variable "description" {
  description = "Human readable description of the key."
  type        = string
  default     = "Shop: encryption of tables, topics, queues, logs and function environments"
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion takes effect."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "AWS accepts 7 to 30 days."
  }
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
}

variable "for_aws_services" {
  description = "Let CloudWatch Logs, SNS and CloudWatch alarms use the key (log groups, topics, queues). False for a key that only Secrets Manager uses on behalf of IAM principals."
  type        = bool
  default     = true
  nullable    = false
}

variable "source_name_prefix" {
  description = "With for_aws_services: SNS and CloudWatch may use the key only for the topics and alarms named `<source_name_prefix>-*` in the key's region and account (aws:SourceArn), e.g. `shop-dev`."
  type        = string
  default     = null

  validation {
    condition     = !var.for_aws_services || var.source_name_prefix != null
    error_message = "A key for AWS services names the topics and alarms it serves: set source_name_prefix."
  }
}
