variable "resources" {
  description = "The decoded src/shop/resources.json (jsondecode(file(...))): services, routes, tables, queues, outbox relay."
  type        = any

  validation {
    condition     = alltrue([for t in var.resources.outbox_relay.tables : try(var.resources.services[t].table.stream, false)])
    error_message = "Every table of outbox_relay.tables needs \"stream\": true in resources.json."
  }

  validation {
    condition = alltrue(flatten([
      for svc in values(var.resources.services) : [for r in svc.routes : contains(["public", "customer", "admin"], r.auth)]
    ]))
    error_message = "Every route's auth must be public, customer or admin."
  }
}

variable "stage" {
  description = "Deployment stage (dev, staging, prod)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.stage))
    error_message = "The stage is a short lower-case name."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name, usually `shop-<stage>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix: 3-31 lower-case letters, digits and '-'."
  }
}

variable "artifacts_dir" {
  description = "Directory with the zips of `make package`: <service>.zip per service, relay.zip and layer.zip."
  type        = string
}

variable "use_dependencies_layer" {
  description = "Attach dist/layer.zip (the runtime dependencies) as a Lambda layer. Turn off only if the function zips bundle their dependencies."
  type        = bool
  default     = true
  nullable    = false
}

variable "functions" {
  description = "Per-service sizing overrides, e.g. { orders = { http = { memory_size = 1024 }, events = { timeout = 60 } } }."
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
  default  = {}
  nullable = false
}

variable "relay_reserved_concurrency" {
  description = "Reserved concurrency of the outbox relay (decision 0009); it needs one execution per stream shard. null = the account's unreserved pool."
  type        = number
  default     = null
}

variable "maximum_batching_window_in_seconds" {
  description = "Batching window of the SQS event sources (0 = invoke as soon as messages arrive)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "The batching window is 0 to 300 seconds."
  }
}

variable "log_retention_days" {
  description = "Retention of every log group (functions and API access logs)."
  type        = number
  default     = 30
  nullable    = false
}

variable "deletion_protection" {
  description = "Deletion protection of tables and the user pool; required when the stage is prod."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = var.stage != "prod" || var.deletion_protection
    error_message = "prod needs deletion_protection: without it one mistaken destroy or replacement deletes the tables and the user pool, and every order, payment and account with them."
  }
}

variable "api_domain_name" {
  description = "The API's custom domain when modules/edge is in front (its origin_domain_name): the execute-api endpoint is disabled and the functions call each other through this name (SHOP_API_URL); null = the execute-api endpoint."
  type        = string
  default     = null
}

variable "throttling_burst_limit" {
  description = "API stage-wide burst limit; null = resources.json throttling.default.burst. Routes listed in throttling.routes keep their own limits."
  type        = number
  default     = null
}

variable "throttling_rate_limit" {
  description = "API stage-wide rate limit (requests per second); null = resources.json throttling.default.rate."
  type        = number
  default     = null
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS on the API; null = resources.json cors.allow_origins; empty = no CORS configuration (browsers on other origins are refused)."
  type        = list(string)
  default     = null
}

variable "payment_provider" {
  description = "Payment provider of the payments service (SHOP_PAYMENT_PROVIDER): sandbox (only with allow_sandbox_payments), or stripe (its API key in a Secrets Manager secret whose value an operator puts; SHOP_STRIPE_SECRET_ARN)."
  type        = string
  default     = "sandbox"
  nullable    = false

  validation {
    condition     = contains(["sandbox", "stripe"], var.payment_provider)
    error_message = "payment_provider is sandbox or stripe."
  }

  validation {
    condition     = var.payment_provider != "sandbox" || var.allow_sandbox_payments
    error_message = "payment_provider is sandbox, which approves test tokens without charging anyone, and allow_sandbox_payments is false: use stripe, or allow the sandbox on a stage that sells nothing."
  }
}

variable "allow_sandbox_payments" {
  description = "Whether payment_provider may be sandbox, which approves test tokens without charging anyone (SHOP_ALLOW_SANDBOX_PAYMENTS; the payments functions refuse to start on the sandbox without it). Only for a stage that sells nothing."
  type        = bool
  default     = false
  nullable    = false
}

variable "cursor_key_version" {
  description = "Version of the pagination cursor key; change it to rotate the key (outstanding cursors become invalid)."
  type        = number
  default     = 1
  nullable    = false
}

variable "secret_recovery_window_in_days" {
  description = "Recovery window of deleted secrets (0 = delete at once, for disposable stages; else 7 to 30)."
  type        = number
  default     = 7
  nullable    = false
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "notification_emails" {
  description = "E-mail addresses subscribed to the customer notifications topic."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "snap_start" {
  description = "Lambda SnapStart for every service function (python3.12): published versions and a `live` alias the API and the queues invoke. Off by default: see the README's cold-start section for the trade-off."
  type        = bool
  default     = false
}

variable "region_role" {
  description = "Multi-region (active/passive): `single` (default, one region), `primary` (the tables become global tables with a replica in `replica.region`, the secrets replicate there; the user pool stays here) or `secondary` (this provider's region gets its own functions, queues, topics, relay and API on the primary's replicas, user pool and secret replicas: `replica_of`). See terraform/README.md, Multi-region."
  type        = string
  default     = "single"
  nullable    = false

  validation {
    condition     = contains(["single", "primary", "secondary"], var.region_role)
    error_message = "region_role is single, primary or secondary."
  }
}

variable "replica" {
  description = "region_role = primary: the secondary region and its KMS keys (the secondary instance's kms_key_arn for the table replicas, its secrets_kms_key_arn for the secret replicas)."
  type        = object({ region = string, kms_key_arn = string, secrets_kms_key_arn = string })
  default     = null

  validation {
    condition     = (var.replica != null) == (var.region_role == "primary")
    error_message = "replica is set exactly when region_role is primary."
  }
}

variable "replica_of" {
  description = "region_role = secondary: the primary instance's `replica_of` output (replica tables and their streams, the user pool, the replicated secrets)."
  type = object({
    tables            = map(object({ name = string, arn = string, stream_arn = string }))
    identity          = object({ region = string, user_pool_id = string, user_pool_arn = string, client_id = string, issuer = string })
    cursor_secret_arn = string
    stripe_secret_arn = string
  })
  default = null

  validation {
    condition     = (var.replica_of != null) == (var.region_role == "secondary")
    error_message = "replica_of is set exactly when region_role is secondary."
  }
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access and ID tokens in minutes (5 to 1440). Sign-out revokes refresh tokens only: an access token lives until it expires."
  type        = number
  default     = 15
}

variable "ses_email_identity_arn" {
  description = "Verified SES identity for Cognito's e-mails (verification and reset codes); null = Cognito's default sender and its low daily limit. Set it in production."
  type        = string
  default     = null
}

variable "ses_from_address" {
  description = "From address of Cognito's e-mails sent through SES; null = the identity's address."
  type        = string
  default     = null
}

variable "threat_protection" {
  description = "Cognito threat protection, enforced (needs the Plus feature plan, billed per monthly active user)."
  type        = bool
  default     = false
  nullable    = false
}

variable "notify_verified_only" {
  description = "Send order notifications only to addresses their customer verified (SHOP_NOTIFY_VERIFIED_ONLY)."
  type        = bool
  default     = false
  nullable    = false
}

variable "permissions_boundary" {
  description = "ARN of the managed policy that bounds every function's role (modules/function); null = none."
  type        = string
  default     = null
}
