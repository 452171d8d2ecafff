# The shop on AWS, one state per stage:
#   terraform init -backend-config=stages/dev.s3.tfbackend
#   terraform apply -var-file=stages/dev.tfvars
# Routes, tables and queues come from src/shop/resources.json, the same file
# the code and the embedded local stack read.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  resources     = jsondecode(file("${path.module}/../../../src/shop/resources.json"))
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../../../dist")
  # terraform/bootstrap's boundary of the stage unless var.permissions_boundary says otherwise.
  permissions_boundary = (
    var.permissions_boundary == null ?
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/github-shop-${var.stage}-boundary" :
    var.permissions_boundary == "" ? null : var.permissions_boundary
  )
  # "" is unset too: what plan.yml passes where the stage has no SES identity.
  ses_email_identity_arn = var.ses_email_identity_arn == "" ? null : var.ses_email_identity_arn
}

module "shop" {
  source = "../../modules/shop"

  resources   = local.resources
  stage       = var.stage
  name_prefix = "shop-${var.stage}"
  region_role = var.secondary_region == null ? "single" : "primary"
  # module.secondary[0].<output>, not a splat: a splat would wait for the whole module.
  replica = var.secondary_region == null ? null : {
    region              = var.secondary_region
    kms_key_arn         = module.secondary[0].kms_key_arn
    secrets_kms_key_arn = module.secondary[0].secrets_kms_key_arn
  }
  artifacts_dir                      = local.artifacts_dir
  use_dependencies_layer             = var.use_dependencies_layer
  functions                          = var.functions
  relay_reserved_concurrency         = var.relay_reserved_concurrency
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  log_retention_days                 = var.log_retention_days
  deletion_protection                = var.deletion_protection
  throttling_burst_limit             = var.throttling_burst_limit
  throttling_rate_limit              = var.throttling_rate_limit
  cors_allow_origins                 = var.cors_allow_origins
  alarm_emails                       = var.alarm_emails
  notification_emails                = var.notification_emails
  payment_provider                   = var.payment_provider
  allow_sandbox_payments             = var.allow_sandbox_payments
  cursor_key_version                 = var.cursor_key_version
  api_domain_name                    = var.edge_protection == null ? null : var.edge_protection.origin_domain_name
  ses_email_identity_arn             = local.ses_email_identity_arn
  ses_from_address                   = var.ses_from_address
  threat_protection                  = var.threat_protection
  notify_verified_only               = var.notify_verified_only
  snap_start                         = var.snap_start
  permissions_boundary               = local.permissions_boundary
}

# Per-client limits (resources.json throttling.per_client): CloudFront and AWS WAF in
# front of the API, whose execute-api endpoint module.shop then disables.
module "edge" {
  source = "../../modules/edge"
  count  = var.edge_protection == null ? 0 : 1
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                   = "shop-${var.stage}"
  api_id                 = module.shop.api_id
  domain_name            = var.edge_protection.domain_name
  certificate_arn        = var.edge_protection.certificate_arn
  origin_domain_name     = var.edge_protection.origin_domain_name
  origin_certificate_arn = var.edge_protection.origin_certificate_arn
  route53_zone_id        = var.edge_protection.route53_zone_id
  waf_log_retention_days = var.edge_protection.waf_log_retention_days
  per_client             = local.resources.throttling.per_client
}

# Multi-region (secondary_region set): the same module in the second region,
# on the primary's global tables, user pool and replicated secrets. Its names
# carry the region (IAM roles and dashboards are account-wide). Active/passive:
# see terraform/README.md, "Multi-region", for what fails over and how.
module "secondary" {
  source = "../../modules/shop"
  count  = var.secondary_region == null ? 0 : 1
  providers = {
    aws = aws.secondary
  }

  resources                          = local.resources
  stage                              = var.stage
  name_prefix                        = "shop-${var.stage}-${coalesce(var.secondary_region, "none")}"
  region_role                        = "secondary"
  replica_of                         = module.shop.replica_of
  artifacts_dir                      = local.artifacts_dir
  use_dependencies_layer             = var.use_dependencies_layer
  functions                          = var.functions
  relay_reserved_concurrency         = var.relay_reserved_concurrency
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  log_retention_days                 = var.log_retention_days
  deletion_protection                = var.deletion_protection
  throttling_burst_limit             = var.throttling_burst_limit
  throttling_rate_limit              = var.throttling_rate_limit
  cors_allow_origins                 = var.cors_allow_origins
  alarm_emails                       = var.alarm_emails
  notification_emails                = var.notification_emails
  payment_provider                   = var.payment_provider
  allow_sandbox_payments             = var.allow_sandbox_payments
  notify_verified_only               = var.notify_verified_only
  snap_start                         = var.snap_start
  permissions_boundary               = local.permissions_boundary
}
