# The shop on AWS, one state per stage:
#   terraform init -backend-config=stages/dev.s3.tfbackend
#   terraform apply -var-file=stages/dev.tfvars
# Routes, tables and queues come from src/shop/resources.json, the same file
# the code and the embedded local stack read.

locals {
  resources     = jsondecode(file("${path.module}/../../../src/shop/resources.json"))
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../../../dist")
}

module "shop" {
  source = "../../modules/shop"

  resources                          = local.resources
  stage                              = var.stage
  name_prefix                        = "shop-${var.stage}"
  artifacts_dir                      = local.artifacts_dir
  use_dependencies_layer             = var.use_dependencies_layer
  functions                          = var.functions
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  log_retention_days                 = var.log_retention_days
  deletion_protection                = var.deletion_protection
  throttling_burst_limit             = var.throttling_burst_limit
  throttling_rate_limit              = var.throttling_rate_limit
  cors_allow_origins                 = var.cors_allow_origins
  alarm_emails                       = var.alarm_emails
  notification_emails                = var.notification_emails
  payment_provider                   = var.payment_provider
  cursor_key_version                 = var.cursor_key_version
}
