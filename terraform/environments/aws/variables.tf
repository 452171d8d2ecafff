variable "region" {
  description = "AWS region of the stage."
  type        = string
  default     = "eu-west-1"
}

variable "secondary_region" {
  description = "Multi-region (active/passive): a second region with its own functions, queues, topics, relay and API on replicas of the tables (DynamoDB global tables) and of the secrets; null = one region. See terraform/README.md, Multi-region."
  type        = string
  default     = null

  validation {
    condition     = var.secondary_region == null || var.secondary_region != var.region
    error_message = "secondary_region must differ from region."
  }
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

# The settings below pass through to modules/shop, which types, validates and
# documents them and holds their defaults: null (unset) = the module's default.

variable "use_dependencies_layer" {
  description = "Attach dist/layer.zip as the dependencies layer (modules/shop; null = its default, true)."
  type        = bool
  default     = null
}

variable "snap_start" {
  description = "Lambda SnapStart for every service function (modules/shop). Off in dev and prod: it buys cold-start latency, not money; `make cost` prices it per stage (docs/performance.md, Cost)."
  type        = bool
  default     = false
  nullable    = false
}

variable "functions" {
  description = "Per-service sizing overrides, e.g. { orders = { http = { memory_size = 1024 } } }; typed and checked by modules/shop variable `functions`."
  type        = any
  default     = null
}

variable "maximum_batching_window_in_seconds" {
  description = "Batching window of the SQS event sources (modules/shop; null = its default, 0)."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Retention of every log group (modules/shop; null = its default, 30)."
  type        = number
  default     = null
}

variable "relay_reserved_concurrency" {
  description = "Reserved concurrency of the outbox relay (modules/shop; null = unreserved)."
  type        = number
  default     = null
}

variable "deletion_protection" {
  description = "Deletion protection of tables and the user pool (modules/shop, which refuses prod without it; null = its default, false)."
  type        = bool
  default     = null
}

variable "throttling_burst_limit" {
  description = "API stage burst limit (modules/shop; null = resources.json throttling.default)."
  type        = number
  default     = null
}

variable "throttling_rate_limit" {
  description = "API stage rate limit in requests per second (modules/shop; null = resources.json throttling.default)."
  type        = number
  default     = null
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS (modules/shop; null = resources.json cors.allow_origins)."
  type        = list(string)
  default     = null
}

variable "notification_emails" {
  description = "E-mail addresses that receive the customer notifications (modules/shop; null = its default, none)."
  type        = list(string)
  default     = null
}

variable "notify_verified_only" {
  description = "Order notifications only to addresses their customer verified (modules/shop; null = its default, false)."
  type        = bool
  default     = null
}

variable "ses_email_identity_arn" {
  description = "Verified SES identity that Cognito sends its e-mails (verification and password-reset codes) through (modules/shop; null or \"\" = its default, Cognito's own sender and its low daily limit). Required in prod: plan.yml passes the repository variable SES_EMAIL_IDENTITY_ARN_<STAGE> as TF_VAR_ses_email_identity_arn (\"\" where it is unset); docs/operations.md."
  type        = string
  default     = null

  validation {
    condition     = var.stage != "prod" || can(regex("^arn:[^:]+:ses:", var.ses_email_identity_arn))
    error_message = "prod needs ses_email_identity_arn, the ARN of a verified SES identity: Cognito's own sender stops after a few dozen e-mails a day, and customers stop getting their verification and password-reset codes (set the repository variable SES_EMAIL_IDENTITY_ARN_PROD)."
  }
}

variable "ses_from_address" {
  description = "From address of Cognito's e-mails sent through SES (modules/shop; null = the identity's address)."
  type        = string
  default     = null
}

variable "threat_protection" {
  description = "Cognito threat protection, enforced (modules/shop; null = its default, off: it is billed per monthly active user)."
  type        = bool
  default     = null
}

variable "alarm_emails" {
  description = "E-mail addresses that receive the alarms (modules/shop; null = its default, none). Required in prod: plan.yml passes the repository variable ALARM_EMAILS_<STAGE> as TF_VAR_alarm_emails, and each address must confirm its subscription (docs/operations.md)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.stage != "prod" || try(length(var.alarm_emails), 0) > 0
    error_message = "prod needs alarm_emails: alarms that reach nobody are no alarms (set the repository variable ALARM_EMAILS_PROD)."
  }
}

variable "payment_provider" {
  description = "Payment provider, sandbox or stripe (modules/shop; null = its default, sandbox, which needs allow_sandbox_payments). With stripe, put the API key into the `shop-<stage>/stripe-api-key` secret after the first apply."
  type        = string
  default     = null

  validation {
    condition     = var.payment_provider == "stripe" || var.allow_sandbox_payments
    error_message = "The sandbox payment provider approves test tokens without charging anyone: set payment_provider = \"stripe\", or allow_sandbox_payments on the dev stage."
  }
}

variable "allow_sandbox_payments" {
  description = "Whether payment_provider may be sandbox (modules/shop): true on dev only, a stage that sells nothing; every other stage fails closed."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.allow_sandbox_payments || var.stage == "dev"
    error_message = "allow_sandbox_payments is for the dev stage only: staging and prod take real payments."
  }
}

variable "edge_protection" {
  description = "Per-client limits on AWS (modules/edge): CloudFront with an AWS WAF web ACL in front of the API, whose execute-api endpoint is then disabled. domain_name is what clients use (a certificate_arn in us-east-1 covers it), origin_domain_name the API's own custom domain (an origin_certificate_arn in the stage's region covers it); both certificates issued in ACM before the apply. route53_zone_id: alias records for both names, else you bring DNS (the `edge` output says where they point). waf_log_retention_days: log refused requests. Required in prod: plan.yml passes the repository variable EDGE_PROTECTION_<STAGE> as TF_VAR_edge_protection; null elsewhere = the execute-api endpoint, stage throttling only."
  type = object({
    domain_name            = string
    certificate_arn        = string
    origin_domain_name     = string
    origin_certificate_arn = string
    route53_zone_id        = optional(string)
    waf_log_retention_days = optional(number)
  })
  default = null

  validation {
    condition     = var.stage != "prod" || var.edge_protection != null
    error_message = "prod needs edge_protection: without it one client's flood of log-ins drains the route's shared limit and locks every customer out (docs/decisions/0008-per-client-limits-at-the-edge.md)."
  }
}

variable "cursor_key_version" {
  description = "Version of the pagination cursor key; bump to rotate (modules/shop; null = its default, 1)."
  type        = number
  default     = null
}

variable "permissions_boundary" {
  description = "The permissions boundary of every function's role. null (the default): terraform/bootstrap's `github-shop-<stage>-boundary` in this account, which its deploy role requires on every role it creates, so a deployment into an account without bootstrap's boundary fails loudly at CreateRole instead of creating unbounded roles. An ARN: that policy instead. \"\": no boundary (a deployer that may create unbounded roles)."
  type        = string
  default     = null
}
