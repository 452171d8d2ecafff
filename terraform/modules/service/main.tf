# One service of resources.json: its HTTP function and (when it has an
# events_handler) its events function fed by its SQS queue, each with its own
# least-privilege role: only the service's own table and its indexes, only
# its own queue, sns:Publish only on the topics it needs, cognito-idp only on
# the user pool and only for the service that uses identity.

locals {
  upper_name = upper(var.service)

  environment = merge(
    {
      SHOP_EVENTS_TOPIC_ARN        = var.events_topic_arn
      SHOP_NOTIFICATIONS_TOPIC_ARN = var.notifications_topic_arn
      SHOP_CURSOR_SECRET_ARN       = var.cursor_secret_arn
      SHOP_TRACING                 = "active"
      POWERTOOLS_SERVICE_NAME      = var.service
      POWERTOOLS_METRICS_NAMESPACE = "Shop"
    },
    var.table == null ? {} : { "${local.upper_name}_TABLE_NAME" = var.table.name },
    var.calls_other_services ? { SHOP_API_URL = var.api_url } : {},
    var.identity == null ? {} : {
      USER_POOL_ID        = var.identity.user_pool_id
      USER_POOL_CLIENT_ID = var.identity.client_id
    },
    { for name, secret in var.secrets : "${name}_ARN" => secret.arn },
    var.extra_environment,
  )

  # Every statement a function of this service may get, each scoped to the
  # service's own resources; `enabled` says whether the service needs it.
  statements = {
    table = {
      enabled = var.table != null
      sid     = "OwnTableOnly"
      actions = [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
      ]
      resources = var.table == null ? [] : [var.table.arn, "${var.table.arn}/index/*"]
    }
    events = {
      enabled   = var.publishes_events
      sid       = "PublishEvents"
      actions   = ["sns:Publish"]
      resources = [var.events_topic_arn]
    }
    notifications = {
      enabled   = var.notifies
      sid       = "PublishNotifications"
      actions   = ["sns:Publish"]
      resources = [var.notifications_topic_arn]
    }
    identity = {
      enabled   = var.identity != null
      sid       = "OwnUserPoolOnly"
      actions   = [for action in var.cognito_actions : "cognito-idp:${action}"]
      resources = var.identity == null ? [] : [var.identity.user_pool_arn]
    }
    # The events function's own, smaller list on the same pool.
    events_identity = {
      enabled   = var.identity != null && length(var.events_cognito_actions) > 0
      sid       = "OwnUserPoolOnly"
      actions   = [for action in var.events_cognito_actions : "cognito-idp:${action}"]
      resources = var.identity == null ? [] : [var.identity.user_pool_arn]
    }
    # Encrypted topics and queues: publishing needs GenerateDataKey, receiving Decrypt, both
    # only through SNS and SQS (the environment's Decrypt is modules/function's).
    kms = {
      enabled   = true
      sid       = "UseSystemKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
      condition = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [for service in ["sns", "sqs"] : "${service}.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"]
      }]
    }
    # Only the events function reads the queue.
    queue = {
      enabled = var.events_handler != null
      sid     = "OwnQueueOnly"
      actions = [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ]
      resources = var.queue_arn == null ? [] : [var.queue_arn]
    }
    # Saga health (resources.json `watches_queues`): only the HTTP function reads the
    # depths of this deployment's queues; ListQueues has no resource-level permissions.
    queue_depths = {
      enabled   = var.watches_queues
      sid       = "DepthsOfThisDeploymentsQueues"
      actions   = ["sqs:GetQueueAttributes"]
      resources = ["arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${var.name_prefix}-*"]
    }
    list_queues = {
      enabled   = var.watches_queues
      sid       = "FindThisDeploymentsQueues"
      actions   = ["sqs:ListQueues"]
      resources = ["*"]
    }
  }

  # Secrets: the HTTP function reads the cursor key (it pages) and the
  # service's own secrets, the events function only the latter. Each reads
  # only its secrets, and decrypts only them (the SecretARN encryption context
  # of the secrets' own key, through Secrets Manager).
  secret_arns = {
    http   = concat([var.cursor_secret_arn], [for secret in values(var.secrets) : secret.arn])
    events = [for secret in values(var.secrets) : secret.arn]
  }
  secret_statements = {
    for kind, arns in local.secret_arns : kind => length(arns) == 0 ? [] : [
      {
        sid       = "ReadOwnSecretsOnly"
        actions   = ["secretsmanager:GetSecretValue"]
        resources = arns
        condition = []
      },
      {
        sid       = "DecryptOwnSecretsOnly"
        actions   = ["kms:Decrypt"]
        resources = [var.secrets_kms_key_arn]
        condition = [
          { test = "StringEquals", variable = "kms:EncryptionContext:SecretARN", values = arns },
          { test = "StringEquals", variable = "kms:ViaService", values = ["secretsmanager.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"] },
        ]
      },
    ]
  }

  http_only         = ["queue_depths", "list_queues", "identity"]
  events_only       = ["queue", "events_identity"]
  http_statements   = concat([for key, statement in local.statements : statement if statement.enabled && !contains(local.events_only, key)], local.secret_statements.http)
  events_statements = concat([for key, statement in local.statements : statement if statement.enabled && !contains(local.http_only, key)], local.secret_statements.events)

  # The service's functions: the HTTP function always, the events function
  # when the service consumes events. Each gets its own role and policy.
  functions = merge(
    {
      http = {
        description = "Shop ${var.service}: HTTP API handler"
        handler     = var.http_handler
        sizing      = var.http_function
        statements  = local.http_statements
      }
    },
    var.events_handler == null ? {} : {
      events = {
        description = "Shop ${var.service}: integration events consumer (SQS)"
        handler     = var.events_handler
        sizing      = var.events_function
        statements  = local.events_statements
      }
    },
  )
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

# ARNs and endpoints of the stage's partition (aws, aws-cn, aws-us-gov).
data "aws_partition" "current" {}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  dynamic "statement" {
    for_each = each.value.statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = try(statement.value.condition, [])
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

module "function" {
  source   = "../function"
  for_each = local.functions

  name                 = "${var.name_prefix}-${var.service}-${each.key}"
  description          = each.value.description
  handler              = each.value.handler
  zip_path             = var.zip_path
  zip_hash             = var.zip_hash
  layer_arns           = var.layer_arns
  memory_size          = each.value.sizing.memory_size
  timeout              = each.value.sizing.timeout
  reserved_concurrency = each.value.sizing.reserved_concurrency
  environment          = local.environment
  policy_json          = data.aws_iam_policy_document.function[each.key].json
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  alarm_topic_arn      = var.alarm_topic_arn
  snap_start           = var.snap_start
  permissions_boundary = var.permissions_boundary
  tags                 = merge(var.tags, { Service = var.service })
}

resource "aws_lambda_event_source_mapping" "queue" {
  count = var.events_handler == null ? 0 : 1

  function_name                      = module.function["events"].target_arn
  event_source_arn                   = var.queue_arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]
  enabled                            = true

  scaling_config {
    maximum_concurrency = var.events_function.maximum_concurrency
  }
}
