variable "name" {
  description = "Name of the API (e.g. `shop-dev`)."
  type        = string
}

variable "description" {
  description = "Description of the API."
  type        = string
  default     = "Shop REST API (see API.md)"
}

variable "jwt_issuer" {
  description = "Issuer URL of the Cognito user pool (`https://cognito-idp.<region>.amazonaws.com/<pool id>`)."
  type        = string
}

variable "jwt_audience" {
  description = "Accepted audiences: the app client id(s). Cognito access tokens carry it as `client_id`, which the HTTP API authorizer accepts."
  type        = list(string)
}

variable "functions" {
  description = "Lambda functions that serve routes, by key (the service name): name and invoke ARN."
  type = map(object({
    function_name = string
    invoke_arn    = string
  }))
}

variable "routes" {
  description = "Routes by unique key, from resources.json: method, path (`{param}` syntax), auth (public|customer|admin) and the key in `functions` of the function that serves it."
  type = map(object({
    method   = string
    path     = string
    auth     = string
    function = string
  }))

  validation {
    condition     = alltrue([for r in values(var.routes) : contains(["public", "customer", "admin"], r.auth)])
    error_message = "auth must be public, customer or admin."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], r.method)])
    error_message = "method must be an HTTP method in upper case."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : startswith(r.path, "/")])
    error_message = "Every path starts with '/'."
  }
}

variable "throttling_burst_limit" {
  description = "Stage-wide burst limit (requests)."
  type        = number
  default     = 200
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady-state rate limit (requests per second)."
  type        = number
  default     = 100
}

variable "integration_timeout_milliseconds" {
  description = "Timeout of the Lambda integrations (HTTP APIs allow at most 30 s)."
  type        = number
  default     = 29000

  validation {
    condition     = var.integration_timeout_milliseconds >= 50 && var.integration_timeout_milliseconds <= 30000
    error_message = "HTTP API integration timeouts are 50 to 30000 ms."
  }
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS; empty = no CORS configuration."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the access log group."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the access log group."
  type        = string
}

variable "tags" {
  description = "Tags for the API, stage and log group."
  type        = map(string)
  default     = {}
}
