variable "name_prefix" {
  description = "Prefix of the secret names (`<name_prefix>/cursor-key`) and of the key alias."
  type        = string
}

variable "cursor_key_version" {
  description = "Version of the cursor key: change it to draw a new random key (rotation)."
  type        = number
  default     = 1
  nullable    = false
}

variable "payment_provider" {
  description = "Payment provider of the payments service: sandbox (no secret) or stripe (an empty secret for its API key)."
  type        = string
  default     = "sandbox"
  nullable    = false

  validation {
    condition     = contains(["sandbox", "stripe"], var.payment_provider)
    error_message = "payment_provider is sandbox or stripe."
  }
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored (0 = delete at once, for disposable stages)."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "Secrets Manager accepts 0 or 7 to 30 days."
  }
}

variable "tags" {
  description = "Tags for the secrets and their key."
  type        = map(string)
  default     = {}
}

variable "replica" {
  description = "Multi-region: the region the secrets replicate to and the KMS key of that region that encrypts the replicas (a key for secrets alone). null = no replica."
  type        = object({ region = string, kms_key_arn = string })
  default     = null
}
