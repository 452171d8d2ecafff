variable "region" {
  description = "AWS region of the stage."
  type        = string
  default     = "eu-west-1"
}

variable "stage" {
  description = "Deployment stage; resource names are `shop-<stage>-...`."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.stage)
    error_message = "stage must be dev, staging or prod."
  }
}

variable "artifacts_dir" {
  description = "Directory of the `make package` zips; null = <repo>/dist."
  type        = string
  default     = null
}

variable "use_dependencies_layer" {
  description = "Attach dist/layer.zip as the dependencies layer."
  type        = bool
  default     = true
}

variable "functions" {
  description = "Per-service sizing overrides (see modules/shop variable `functions`)."
  type = map(object({
    http = optional(object({
      memory_size          = optional(number, 512)
      timeout              = optional(number, 10)
      reserved_concurrency = optional(number)
    }))
    events = optional(object({
      memory_size          = optional(number, 512)
      timeout              = optional(number, 30)
      reserved_concurrency = optional(number)
      maximum_concurrency  = optional(number)
    }))
  }))
  default = {}
}

variable "maximum_batching_window_in_seconds" {
  description = "Batching window of the SQS event sources."
  type        = number
  default     = 0
}

variable "log_retention_days" {
  description = "Retention of every log group."
  type        = number
  default     = 30
}

variable "deletion_protection" {
  description = "Deletion protection of tables and the user pool (true in prod)."
  type        = bool
  default     = false
}

variable "throttling_burst_limit" {
  description = "API stage burst limit."
  type        = number
  default     = 200
}

variable "throttling_rate_limit" {
  description = "API stage rate limit (requests per second)."
  type        = number
  default     = 100
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS; empty = none."
  type        = list(string)
  default     = []
}

variable "alarm_emails" {
  description = "E-mail addresses that receive the alarms."
  type        = list(string)
  default     = []
}
