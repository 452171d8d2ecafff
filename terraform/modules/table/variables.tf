variable "name" {
  description = "Table name (e.g. `shop-dev-orders`)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "DynamoDB table names are 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "hash_key" {
  description = "Partition key attribute (string), from resources.json table_defaults.hash_key."
  type        = string
  default     = "pk"
}

variable "range_key" {
  description = "Sort key attribute (string), from resources.json table_defaults.range_key."
  type        = string
  default     = "sk"
}

variable "indexes" {
  description = "Global secondary indexes (all string keys, projection ALL), from resources.json table_defaults.indexes."
  type = list(object({
    name      = string
    hash_key  = string
    range_key = string
  }))
  default = []
}

variable "ttl_attribute" {
  description = "Attribute holding the expiry time in epoch seconds."
  type        = string
  default     = "expires_at"
}

variable "stream_enabled" {
  description = "Enable a NEW_IMAGE stream (tables whose outbox is relayed to SNS)."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for server-side encryption."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "deletion_protection" {
  description = "Protect the table against deletion (turn on in production)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}

variable "replicas" {
  description = "Other regions holding a replica (DynamoDB global table, version 2019.11.21), each with a customer managed KMS key of its own region. Empty = a regional table. Turns the stream on with NEW_AND_OLD_IMAGES."
  type        = list(object({ region = string, kms_key_arn = string }))
  default     = []
  nullable    = false
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the table's alarms (throttles, system errors, replication latency)."
  type        = string
}

variable "replication_latency_threshold_ms" {
  description = "With replicas: alarm when a replica's average ReplicationLatency stays above this for 5 minutes."
  type        = number
  default     = 60000
  nullable    = false

  validation {
    condition     = var.replication_latency_threshold_ms >= 1000
    error_message = "replication_latency_threshold_ms is at least 1000 (a replica is normally about a second behind)."
  }
}
