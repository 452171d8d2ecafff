variable "name" {
  description = "Name of the API (e.g. `shop-dev`)."
  type        = string
}

variable "description" {
  description = "Description of the API."
  type        = string
  default     = "Shop REST API (see docs/api.md)"
}

variable "disable_execute_api_endpoint" {
  description = "Turn off the default https://<id>.execute-api.<region>.amazonaws.com endpoint, leaving the API reachable only through its custom domain (modules/edge)."
  type        = bool
  default     = false
  nullable    = false
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

variable "throttling_default" {
  description = "Stage-wide token bucket of every route not in route_throttling: burst (bucket size) and rate (requests per second)."
  type = object({
    burst = number
    rate  = number
  })
  default = { burst = 200, rate = 100 }
}

variable "route_throttling" {
  description = "Per-route token buckets by route key (`POST /auth/login`), from resources.json throttling.routes; every key must be a route of var.routes."
  type = map(object({
    burst = number
    rate  = number
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.route_throttling) : contains(keys(var.routes), key)])
    error_message = "Every throttled route must be a route of the API (resources.json throttling.routes)."
  }
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

variable "cors" {
  description = "CORS of the API (resources.json `cors`, allow_origins possibly replaced by the stage); no allow_origins = no CORS configuration."
  type = object({
    allow_origins   = list(string)
    allow_methods   = list(string)
    allow_headers   = list(string)
    expose_headers  = list(string)
    max_age_seconds = number
  })
  default = {
    allow_origins   = []
    allow_methods   = []
    allow_headers   = []
    expose_headers  = []
    max_age_seconds = 0
  }
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
