variable "name" {
  description = "Function name (also the name of its role and of its log group `/aws/lambda/<name>`)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,64}$", var.name))
    error_message = "Lambda function names are 1-64 letters, digits, '_' and '-'."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
}

variable "handler" {
  description = "Dotted handler path from resources.json (e.g. `shop.orders.handlers.http.handler`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)+$", var.handler))
    error_message = "The handler must be a dotted Python path `module.function`."
  }
}

variable "zip_path" {
  description = "Path of the deployment package built by `make package` (dist/<name>.zip)."
  type        = string
}

variable "zip_hash" {
  description = "filebase64sha256 of the zip, so an unchanged (reproducible) zip never redeploys."
  type        = string
}

variable "layer_arns" {
  description = "Lambda layers (the dependencies layer)."
  type        = list(string)
  default     = []
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "Lambda memory is 128 to 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "Lambda timeouts are 1 to 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; null = unreserved (the account pool)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 0, false)
    error_message = "reserved_concurrency must be null or >= 0."
  }
}

variable "environment" {
  description = "Environment variables (see docs/conventions.md)."
  type        = map(string)
  default     = {}
}

variable "policy_json" {
  description = "IAM policy document (JSON) with the function's least-privilege statements; logs, X-Ray and KMS decrypt of the environment are added by this module."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the log group and the environment variables."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "Use one of the retention periods CloudWatch Logs accepts (never 0 = forever)."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the function's alarms."
  type        = string
}

variable "error_threshold" {
  description = "Errors per 5 minutes that raise the error alarm."
  type        = number
  default     = 1
}

variable "p99_duration_threshold_ms" {
  description = "p99 duration alarm threshold in ms; null = 80 % of the timeout."
  type        = number
  default     = null
}

variable "tags" {
  description = "Tags for every resource of the function."
  type        = map(string)
  default     = {}
}

variable "snap_start" {
  description = "Lambda SnapStart: publish a version on each change, snapshot it after init, and point the `live` alias at it (callers use `target_arn` / `target_invoke_arn`). Init is then paid at publish time instead of at each cold start; restores are billed per GB cached and per restore, and restored copies share init's state (src/shop/platform/snapstart.py re-seeds and reconnects)."
  type        = bool
  default     = false
}

variable "permissions_boundary" {
  description = "ARN of the managed policy that bounds the function's role (terraform/bootstrap's `github-shop-<stage>-boundary` on AWS); null = no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary))
    error_message = "permissions_boundary is an IAM policy ARN, arn:<partition>:iam::<account>:policy/<name>."
  }
}
