variable "name_prefix" {
  description = "Prefix of every resource name (e.g. `shop-dev`)."
  type        = string
}

variable "service" {
  description = "Service name, a key of resources.json `services` (e.g. `orders`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]*$", var.service))
    error_message = "Service names are lower-case identifiers."
  }
}

variable "http_handler" {
  description = "Handler of the HTTP function (resources.json `http_handler`)."
  type        = string
}

variable "events_handler" {
  description = "Handler of the SQS events function (resources.json `events_handler`); null when the service consumes nothing."
  type        = string
  default     = null
}

variable "table" {
  description = "The service's own table (name + ARN), or null when it has none. The roles get access to this table and its indexes only."
  type = object({
    name = string
    arn  = string
  })
  default = null
}

variable "queue_arn" {
  description = "ARN of the service's own SQS queue, the event source of the events function; required when events_handler is set."
  type        = string
  default     = null
}

variable "events_topic_arn" {
  description = "ARN of the integration events topic (SHOP_EVENTS_TOPIC_ARN)."
  type        = string
}

variable "notifications_topic_arn" {
  description = "ARN of the notifications topic (SHOP_NOTIFICATIONS_TOPIC_ARN)."
  type        = string
}

variable "publishes_events" {
  description = "Grant sns:Publish on the events topic. False for services whose events go through the outbox (the relay publishes them)."
  type        = bool
  default     = false
}

variable "notifies" {
  description = "Grant sns:Publish on the notifications topic (resources.json `notifies`)."
  type        = bool
  default     = false
}

variable "watches_queues" {
  description = "Let the HTTP function read this deployment's queue depths (resources.json `watches_queues`)."
  type        = bool
  default     = false
}

variable "calls_other_services" {
  description = "The service calls other services over HTTP (resources.json `calls`): set SHOP_API_URL."
  type        = bool
  default     = false
}

variable "api_url" {
  description = "Base URL of the public API (SHOP_API_URL), used when calls_other_services is true."
  type        = string
  default     = ""
}

variable "identity" {
  description = "Cognito pool of the service that uses identity (resources.json `uses_identity`), or null."
  type = object({
    user_pool_id  = string
    user_pool_arn = string
    client_id     = string
  })
  default = null
}

variable "cognito_actions" {
  description = "cognito-idp actions (without prefix) the HTTP function gets on the user pool when `identity` is set: the users service's calls (sign-up, login, account closing, disabling and signing out); never group membership."
  type        = list(string)
  default = [
    "InitiateAuth",
    "AdminCreateUser",
    "AdminSetUserPassword",
    "AdminDeleteUser",
    "AdminDisableUser",
    "AdminEnableUser",
    "AdminUserGlobalSignOut",
  ]

  validation {
    condition     = alltrue([for a in var.cognito_actions : can(regex("^[A-Z][A-Za-z]+$", a))])
    error_message = "Give exact action names (no wildcards, no prefix)."
  }
}

variable "events_cognito_actions" {
  description = "cognito-idp actions (without prefix) the events function gets on the user pool when `identity` is set: the users queue closes a deleted account's identity."
  type        = list(string)
  default     = ["AdminDeleteUser"]

  validation {
    condition     = alltrue([for a in var.events_cognito_actions : can(regex("^[A-Z][A-Za-z]+$", a))])
    error_message = "Give exact action names (no wildcards, no prefix)."
  }
}

variable "cursor_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the HMAC key of pagination cursors (SHOP_CURSOR_SECRET_ARN); only the HTTP function may read it."
  type        = string
}

variable "secrets" {
  description = "The service's own secrets by setting name (e.g. SHOP_STRIPE_SECRET): each function gets `<name>_ARN` and may read and decrypt only these (and the HTTP function the cursor key)."
  type = map(object({
    arn = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.secrets) : can(regex("^[A-Z][A-Z0-9_]*$", name))])
    error_message = "Secret names are environment variable names (upper case)."
  }
}

variable "secrets_kms_key_arn" {
  description = "ARN of the key that encrypts the secrets (modules/secrets); kms:Decrypt is granted per secret."
  type        = string
}

variable "extra_environment" {
  description = "Additional environment variables for both functions."
  type        = map(string)
  default     = {}
}

variable "zip_path" {
  description = "Path of the service's deployment package (dist/<service>.zip)."
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

variable "http_function" {
  description = "Sizing of the HTTP function."
  type = object({
    memory_size          = optional(number, 512)
    timeout              = optional(number, 10)
    reserved_concurrency = optional(number)
  })
  default  = {}
  nullable = false
}

variable "events_function" {
  description = "Sizing of the events function; maximum_concurrency caps the SQS event source mapping (every consumer has one: a burst of messages never takes the account's pool), at most reserved_concurrency when that is set (above it, Lambda throttles the pollers and messages bounce back to the queue)."
  type = object({
    memory_size          = optional(number, 512)
    timeout              = optional(number, 30)
    reserved_concurrency = optional(number)
    maximum_concurrency  = optional(number, 5)
  })
  default  = {}
  nullable = false

  validation {
    condition     = try(var.events_function.maximum_concurrency >= 2, false)
    error_message = "maximum_concurrency of an SQS event source is at least 2."
  }

  validation {
    condition     = var.events_function.reserved_concurrency == null || try(var.events_function.maximum_concurrency <= var.events_function.reserved_concurrency, false)
    error_message = "maximum_concurrency of the event source is at most the events function's reserved_concurrency."
  }
}

variable "batch_size" {
  description = "Messages per batch (resources.json queue_defaults.batch_size)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the SQS event source gathers a batch."
  type        = number
  default     = 0
}

variable "kms_key_arn" {
  description = "Customer managed KMS key (logs, environment, encrypted topics and queues)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups."
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

variable "snap_start" {
  description = "Lambda SnapStart for the service's functions (see modules/function); the API and the queue's event source mapping then invoke the `live` alias."
  type        = bool
  default     = false
}

variable "permissions_boundary" {
  description = "ARN of the managed policy that bounds every function's role (modules/function); null = none."
  type        = string
  default     = null
}
