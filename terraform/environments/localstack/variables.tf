variable "endpoint" {
  description = "LocalStack edge endpoint."
  type        = string
  default     = "http://localhost:4566"

  validation {
    condition     = can(regex("^https?://", var.endpoint))
    error_message = "endpoint must be an http(s) URL."
  }
}

variable "region" {
  description = "Region LocalStack emulates."
  type        = string
  default     = "us-east-1"
}

variable "artifacts_dir" {
  description = "Directory of the `make package` zips; null = <repo>/dist."
  type        = string
  default     = null
}

variable "use_dependencies_layer" {
  description = "Attach dist/layer.zip as a layer (LocalStack Community supports layers only in recent versions; set false and bundle dependencies otherwise). null = the modules/shop default, true."
  type        = bool
  default     = null
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS (modules/shop; null = resources.json cors.allow_origins)."
  type        = list(string)
  default     = null
}

variable "payment_provider" {
  description = "Payment provider, sandbox or stripe (modules/shop; null = its default, sandbox)."
  type        = string
  default     = null
}
