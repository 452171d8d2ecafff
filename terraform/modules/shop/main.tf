# The whole shop, composed from the small modules. Everything that can drift
# from the code (routes, handlers, tables, streams, queues, filter policies)
# comes from var.resources, the decoded src/shop/resources.json; the
# environments (aws, localstack) only add providers, backend and sizing.

data "aws_caller_identity" "current" {}

locals {
  services = var.resources.services

  # Services that own a table / consume events through an SQS queue.
  tables = { for name, svc in local.services : name => svc.table if try(svc.table, null) != null }
  consumers = {
    for name, svc in local.services : name => svc
    if try(svc.events_handler, null) != null && length(try(svc.consumes, [])) > 0
  }
  relayed_tables = toset(var.resources.outbox_relay.tables)

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
  throttling_default = {
    burst = coalesce(var.throttling_burst_limit, var.resources.throttling.default.burst)
    rate  = coalesce(var.throttling_rate_limit, var.resources.throttling.default.rate)
  }

  # The payment provider is the payments service's business alone.
  payments_service     = "payments"
  payments_environment = { SHOP_PAYMENT_PROVIDER = var.payment_provider }
  payments_secrets     = var.payment_provider == "stripe" ? { SHOP_STRIPE_SECRET = { arn = module.secrets.stripe_secret_arn } } : {}
}

module "kms" {
  source = "../kms"

  alias = var.name_prefix
  tags  = local.tags
}

module "secrets" {
  source = "../secrets"

  name_prefix             = var.name_prefix
  payment_provider        = var.payment_provider
  cursor_key_version      = var.cursor_key_version
  recovery_window_in_days = var.secret_recovery_window_in_days
  tags                    = local.tags
}

module "monitoring" {
  source = "../monitoring"

  name_prefix    = var.name_prefix
  account_id     = data.aws_caller_identity.current.account_id
  api_id         = module.http_api.api_id
  function_names = concat(flatten([for s in module.service : s.function_names]), [module.outbox_relay.function_name])
  queue_names    = [for q in module.queue : q.name]
  dlq_names      = concat([for q in module.queue : q.dlq_name], [module.outbox_relay.failure_queue_name])
  alarm_emails   = var.alarm_emails
  kms_key_arn    = module.kms.key_arn
  tags           = local.tags
}

module "identity" {
  source = "../identity"

  name                = var.name_prefix
  deletion_protection = var.deletion_protection
  tags                = local.tags
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
  for_each = local.tables

  name                = "${var.name_prefix}-${each.key}"
  hash_key            = var.resources.table_defaults.hash_key
  range_key           = var.resources.table_defaults.range_key
  indexes             = var.resources.table_defaults.indexes
  ttl_attribute       = var.resources.table_defaults.ttl_attribute
  stream_enabled      = try(each.value.stream, false)
  kms_key_arn         = module.kms.key_arn
  deletion_protection = var.deletion_protection
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
  jwt_issuer         = module.identity.issuer
  jwt_audience       = [module.identity.client_id]
  functions          = { for name, svc in module.service : name => { function_name = svc.http_invoke_target, invoke_arn = svc.http_invoke_arn } }
  routes             = local.routes
  throttling_default = local.throttling_default
  route_throttling   = var.resources.throttling.routes
  cors               = local.cors
  log_retention_days = var.log_retention_days
  kms_key_arn        = module.kms.key_arn
  tags               = local.tags
}

module "service" {
  source   = "../service"
  for_each = local.services

  name_prefix    = var.name_prefix
  service        = each.key
  http_handler   = each.value.http_handler
  events_handler = contains(keys(local.consumers), each.key) ? try(each.value.events_handler, null) : null
  table          = contains(keys(local.tables), each.key) ? { name = module.table[each.key].name, arn = module.table[each.key].arn } : null
  queue_arn      = contains(keys(local.consumers), each.key) ? module.queue[each.key].arn : null

  events_topic_arn        = module.event_bus.events_topic_arn
  notifications_topic_arn = module.event_bus.notifications_topic_arn
  # Events of services with an outbox are published by the relay, not by the service.
  publishes_events = length(try(each.value.publishes, [])) > 0 && !contains(local.relayed_tables, each.key)
  notifies         = try(each.value.notifies, false)
  watches_queues   = try(each.value.watches_queues, false)

  # SHOP_API_URL comes from the API resource alone (not its routes): no cycle.
  calls_other_services = length(try(each.value.calls, [])) > 0
  api_url              = module.http_api.api_endpoint

  identity = try(each.value.uses_identity, false) ? {
    user_pool_id  = module.identity.user_pool_id
    user_pool_arn = module.identity.user_pool_arn
    client_id     = module.identity.client_id
  } : null

  snap_start                         = var.snap_start
  cursor_secret_arn                  = module.secrets.cursor_secret_arn
  secrets                            = each.key == local.payments_service ? local.payments_secrets : {}
  secrets_kms_key_arn                = module.secrets.kms_key_arn
  extra_environment                  = each.key == local.payments_service ? local.payments_environment : {}
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
  stream_arns        = { for name in local.relayed_tables : name => module.table[name].stream_arn }
  events_topic_arn   = module.event_bus.events_topic_arn
  zip_path           = local.artifact["relay"]
  zip_hash           = filebase64sha256(local.artifact["relay"])
  layer_arns         = aws_lambda_layer_version.dependencies[*].arn
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
  alarm_topic_arn    = module.monitoring.alarm_topic_arn
  tags               = local.tags
}
