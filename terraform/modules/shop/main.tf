# The whole shop, composed from the small modules. Everything that can drift
# from the code (routes, handlers, tables, streams, queues, filter policies)
# comes from var.resources, the decoded src/shop/resources.json; the
# environments (aws, localstack) only add providers, backend and sizing.
#
# Multi-region (region_role): the "primary" instance owns the tables (global
# tables with a replica in var.replica.region), the user pool and the secrets
# (replicated); a "secondary" instance, the same module under the other
# region's provider, adds that region's functions, queues, topics, relay and
# API on the primary's replicas (var.replica_of). Active/passive: see
# terraform/README.md, "Multi-region".

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  services = var.resources.services

  # Services that own a table / consume events through an SQS queue.
  tables = { for name, svc in local.services : name => svc.table if try(svc.table, null) != null }
  consumers = {
    for name, svc in local.services : name => svc
    if try(svc.events_handler, null) != null && length(try(svc.consumes, [])) > 0
  }
  relayed_tables = toset(var.resources.outbox_relay.tables)

  secondary    = var.region_role == "secondary"
  multi_region = var.region_role != "single"

  # What a secondary takes from the primary, else what this instance creates.
  table_refs = local.secondary ? var.replica_of.tables : {
    for name, table in module.table : name => { name = table.name, arn = table.arn, stream_arn = table.stream_arn }
  }
  identity = local.secondary ? var.replica_of.identity : {
    region        = data.aws_region.current.name
    user_pool_id  = module.identity[0].user_pool_id
    user_pool_arn = module.identity[0].user_pool_arn
    client_id     = module.identity[0].client_id
    issuer        = module.identity[0].issuer
  }
  cursor_secret_arn   = local.secondary ? var.replica_of.cursor_secret_arn : module.secrets[0].cursor_secret_arn
  stripe_secret_arn   = local.secondary ? var.replica_of.stripe_secret_arn : module.secrets[0].stripe_secret_arn
  secrets_kms_key_arn = local.secondary ? module.secrets_key[0].key_arn : module.secrets[0].kms_key_arn
  # Cognito does not replicate: a secondary's users service calls the primary's pool
  # (shop.platform.aws reads SHOP_REGION_COGNITO_IDP).
  identity_environment = local.secondary ? { SHOP_REGION_COGNITO_IDP = var.replica_of.identity.region } : {}

  # One API route per route of resources.json, keyed by its route key
  # ("GET /products/{product_id}"), served by its service's HTTP function.
  routes = merge([
    for name, svc in local.services : {
      for route in svc.routes : "${route.method} ${route.path}" => {
        method   = route.method
        path     = route.path
        auth     = route.auth
        function = name
      }
    }
  ]...)

  artifact = { for name in concat(keys(local.services), ["relay", "layer"]) : name => "${var.artifacts_dir}/${name}.zip" }

  # Must equal the default of modules/service events_function.timeout (the queue's
  # visibility timeout is derived from it).
  default_events_timeout = 30

  tags = merge(var.tags, { Project = "shop", Stage = var.stage })

  # CORS and throttling are described once, in resources.json; a stage may
  # replace the allowed origins and the stage-wide default limits.
  cors = merge(var.resources.cors, {
    allow_origins = var.cors_allow_origins != null ? var.cors_allow_origins : var.resources.cors.allow_origins
  })
  # Behind modules/edge the execute-api endpoint is off: the functions call each other
  # through the API's custom domain, not CloudFront (no per-client rule can count them).
  api_url = var.api_domain_name == null ? module.http_api.api_endpoint : "https://${var.api_domain_name}"

  throttling_default = {
    burst = coalesce(var.throttling_burst_limit, var.resources.throttling.default.burst)
    rate  = coalesce(var.throttling_rate_limit, var.resources.throttling.default.rate)
  }

  # The payment provider is the payments service's business alone.
  payments_service     = "payments"
  payments_environment = { SHOP_PAYMENT_PROVIDER = var.payment_provider, SHOP_ALLOW_SANDBOX_PAYMENTS = tostring(var.allow_sandbox_payments) }
  payments_secrets     = var.payment_provider == "stripe" ? { SHOP_STRIPE_SECRET = { arn = local.stripe_secret_arn } } : {}
}

module "kms" {
  source = "../kms"

  alias              = var.name_prefix
  source_name_prefix = var.name_prefix
  tags               = local.tags
}

module "secrets" {
  source = "../secrets"
  count  = local.secondary ? 0 : 1

  name_prefix             = var.name_prefix
  payment_provider        = var.payment_provider
  cursor_key_version      = var.cursor_key_version
  recovery_window_in_days = var.secret_recovery_window_in_days
  replica                 = var.replica == null ? null : { region = var.replica.region, kms_key_arn = var.replica.secrets_kms_key_arn }
  tags                    = local.tags
}

moved {
  from = module.secrets
  to   = module.secrets[0]
}

# A secondary's key for the replicas of the primary's secrets (modules/secrets' key there).
module "secrets_key" {
  source = "../kms"
  count  = local.secondary ? 1 : 0

  alias            = "${var.name_prefix}-secrets"
  description      = "Shop: encryption of the replicas of the Secrets Manager secrets (cursor key, payment provider key)"
  for_aws_services = false
  tags             = local.tags
}

module "monitoring" {
  source = "../monitoring"

  name_prefix    = var.name_prefix
  account_id     = data.aws_caller_identity.current.account_id
  api_id         = module.http_api.api_id
  function_names = concat(flatten([for s in module.service : s.function_names]), [module.outbox_relay.function_name])
  relay_name     = module.outbox_relay.function_name
  table_names    = [for table in local.table_refs : table.name]
  replica_region = var.replica == null ? null : var.replica.region
  queue_names    = [for q in module.queue : q.name]
  dlq_names      = concat([for q in module.queue : q.dlq_name], [module.outbox_relay.failure_queue_name])
  alarm_emails   = var.alarm_emails
  kms_key_arn    = module.kms.key_arn
  tags           = local.tags
}

module "identity" {
  source = "../identity"
  count  = local.secondary ? 0 : 1

  name                          = var.name_prefix
  deletion_protection           = var.deletion_protection
  access_token_validity_minutes = var.access_token_validity_minutes
  ses_email_identity_arn        = var.ses_email_identity_arn
  ses_from_address              = var.ses_from_address
  threat_protection             = var.threat_protection
  tags                          = local.tags
}

moved {
  from = module.identity
  to   = module.identity[0]
}

module "event_bus" {
  source = "../event_bus"

  name_prefix         = var.name_prefix
  events_topic        = var.resources.events_topic
  notifications_topic = var.resources.notifications_topic
  notification_emails = var.notification_emails
  kms_key_arn         = module.kms.key_arn
  tags                = local.tags
}

module "table" {
  source   = "../table"
  for_each = local.secondary ? {} : local.tables

  name                = "${var.name_prefix}-${each.key}"
  hash_key            = var.resources.table_defaults.hash_key
  range_key           = var.resources.table_defaults.range_key
  indexes             = var.resources.table_defaults.indexes
  ttl_attribute       = var.resources.table_defaults.ttl_attribute
  stream_enabled      = try(each.value.stream, false)
  replicas            = var.replica == null ? [] : [{ region = var.replica.region, kms_key_arn = var.replica.kms_key_arn }]
  kms_key_arn         = module.kms.key_arn
  deletion_protection = var.deletion_protection
  alarm_topic_arn     = module.monitoring.alarm_topic_arn
  tags                = merge(local.tags, { Service = each.key })
}

module "queue" {
  source   = "../queue"
  for_each = local.consumers

  name                               = "${var.name_prefix}-${each.key}"
  topic_arn                          = module.event_bus.events_topic_arn
  event_types                        = each.value.consumes
  max_receive_count                  = var.resources.queue_defaults.max_receive_count
  visibility_timeout_seconds         = var.resources.queue_defaults.visibility_timeout_seconds
  message_retention_seconds          = var.resources.queue_defaults.message_retention_seconds
  function_timeout_seconds           = coalesce(try(var.functions[each.key].events.timeout, null), local.default_events_timeout)
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  kms_key_arn                        = module.kms.key_arn
  alarm_topic_arn                    = module.monitoring.alarm_topic_arn
  tags                               = merge(local.tags, { Service = each.key })
}

resource "aws_lambda_layer_version" "dependencies" {
  count = var.use_dependencies_layer ? 1 : 0

  layer_name               = "${var.name_prefix}-dependencies"
  description              = "Runtime dependencies pinned in uv.lock (scripts/package.py)"
  filename                 = local.artifact["layer"]
  source_code_hash         = filebase64sha256(local.artifact["layer"])
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}

module "http_api" {
  source = "../http_api"

  name               = var.name_prefix
  jwt_issuer         = local.identity.issuer # a secondary trusts the primary's pool
  jwt_audience       = [local.identity.client_id]
  functions          = { for name, svc in module.service : name => { function_name = svc.http_invoke_target, invoke_arn = svc.http_invoke_arn } }
  routes             = local.routes
  throttling_default = local.throttling_default
  route_throttling   = var.resources.throttling.routes
  cors               = local.cors
  log_retention_days = var.log_retention_days

  disable_execute_api_endpoint = var.api_domain_name != null
  kms_key_arn                  = module.kms.key_arn
  tags                         = local.tags
}

module "service" {
  source   = "../service"
  for_each = local.services

  name_prefix    = var.name_prefix
  service        = each.key
  http_handler   = each.value.http_handler
  events_handler = contains(keys(local.consumers), each.key) ? try(each.value.events_handler, null) : null
  table          = contains(keys(local.tables), each.key) ? { name = local.table_refs[each.key].name, arn = local.table_refs[each.key].arn } : null
  queue_arn      = contains(keys(local.consumers), each.key) ? module.queue[each.key].arn : null

  events_topic_arn        = module.event_bus.events_topic_arn
  notifications_topic_arn = module.event_bus.notifications_topic_arn
  # Events of services with an outbox are published by the relay, not by the service.
  publishes_events = length(try(each.value.publishes, [])) > 0 && !contains(local.relayed_tables, each.key)
  notifies         = try(each.value.notifies, false)
  watches_queues   = try(each.value.watches_queues, false)

  # SHOP_API_URL comes from the API resource alone (not its routes): no cycle.
  calls_other_services = length(try(each.value.calls, [])) > 0
  api_url              = local.api_url

  identity = try(each.value.uses_identity, false) ? {
    user_pool_id  = local.identity.user_pool_id
    user_pool_arn = local.identity.user_pool_arn
    client_id     = local.identity.client_id
  } : null

  snap_start           = var.snap_start
  permissions_boundary = var.permissions_boundary
  cursor_secret_arn    = local.cursor_secret_arn
  secrets              = each.key == local.payments_service ? local.payments_secrets : {}
  secrets_kms_key_arn  = local.secrets_kms_key_arn
  extra_environment = merge(
    each.key == local.payments_service ? local.payments_environment : {},
    try(each.value.uses_identity, false) ? local.identity_environment : {},
    try(each.value.uses_identity, false) ? { SHOP_NOTIFY_VERIFIED_ONLY = tostring(var.notify_verified_only) } : {},
  )
  zip_path                           = local.artifact[each.key]
  zip_hash                           = filebase64sha256(local.artifact[each.key])
  layer_arns                         = aws_lambda_layer_version.dependencies[*].arn
  http_function                      = try(var.functions[each.key].http, null) # null = the module's defaults
  events_function                    = try(var.functions[each.key].events, null)
  batch_size                         = var.resources.queue_defaults.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  kms_key_arn                        = module.kms.key_arn
  log_retention_days                 = var.log_retention_days
  alarm_topic_arn                    = module.monitoring.alarm_topic_arn
  tags                               = merge(local.tags, { Service = each.key })
}

module "outbox_relay" {
  source = "../outbox_relay"

  name               = "${var.name_prefix}-outbox-relay"
  handler            = var.resources.outbox_relay.handler
  stream_arns        = { for name in local.relayed_tables : name => local.table_refs[name].stream_arn }
  events_topic_arn   = module.event_bus.events_topic_arn
  zip_path           = local.artifact["relay"]
  zip_hash           = filebase64sha256(local.artifact["relay"])
  layer_arns         = aws_lambda_layer_version.dependencies[*].arn
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
  alarm_topic_arn    = module.monitoring.alarm_topic_arn
  # Decision 0009: the relay's own reservation, so no burst elsewhere leaves the streams unread.
  reserved_concurrency = var.relay_reserved_concurrency
  permissions_boundary = var.permissions_boundary
  tags                 = local.tags

  # Multi-region: relay only this region's outbox records; the secondary leaves records
  # without a region (written before the stamp, in the primary) to the primary.
  own_region              = local.multi_region ? data.aws_region.current.name : null
  relay_unstamped_records = !local.secondary
}
