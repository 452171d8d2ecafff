# The service's contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py. Each function's statements are read from the
# arguments of its policy document (a mocked data source renders no JSON).

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
}

variables {
  name_prefix             = "shop-test"
  service                 = "orders"
  http_handler            = "shop.orders.handlers.http.handler"
  events_handler          = "shop.orders.handlers.events.handler"
  table                   = { name = "shop-test-orders", arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-orders" }
  queue_arn               = "arn:aws:sqs:eu-west-1:123456789012:shop-test-orders"
  events_topic_arn        = "arn:aws:sns:eu-west-1:123456789012:shop-test-events"
  notifications_topic_arn = "arn:aws:sns:eu-west-1:123456789012:shop-test-notifications"
  cursor_secret_arn       = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-test/cursor"
  secrets_kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/secrets"
  kms_key_arn             = "arn:aws:kms:eu-west-1:123456789012:key/system"
  alarm_topic_arn         = "arn:aws:sns:eu-west-1:123456789012:shop-test-alarms"
  zip_path                = "orders.zip"
  zip_hash                = "hash"
}

run "each_function_reaches_only_the_services_own_resources" {
  command = plan

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.function["http"].statement : statement.sid => statement.resources
      } == {
      OwnTableOnly          = toset([var.table.arn, "${var.table.arn}/index/*"])
      UseSystemKey          = toset([var.kms_key_arn])
      ReadOwnSecretsOnly    = toset([var.cursor_secret_arn])
      DecryptOwnSecretsOnly = toset([var.secrets_kms_key_arn])
    }
    error_message = "The HTTP function: its own table and indexes, the system key, the cursor secret; no queue, no topic it was not given."
  }

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.function["events"].statement : statement.sid => statement.resources
      } == {
      OwnTableOnly = toset([var.table.arn, "${var.table.arn}/index/*"])
      UseSystemKey = toset([var.kms_key_arn])
      OwnQueueOnly = toset([var.queue_arn])
    }
    error_message = "The events function: its own table, the system key and its own queue; no secret it does not read."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.function["http"].statement :
      anytrue([for c in statement.condition : c.variable == "kms:EncryptionContext:SecretARN" && toset(c.values) == toset([var.cursor_secret_arn])])
      if statement.sid == "DecryptOwnSecretsOnly"
    ])
    error_message = "The secrets' key decrypts only the service's own secrets."
  }

  assert {
    condition = alltrue(flatten([
      for document in data.aws_iam_policy_document.function : [
        for s in document.statement : [for c in s.condition : [c.test, c.variable, toset(c.values)]] == [
          ["StringEquals", "kms:ViaService", toset(["sns.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com"])]
        ] if s.sid == "UseSystemKey"
      ]
    ]))
    error_message = "Each function uses the system key only through SNS (publishing) and SQS (its queue)."
  }

  assert {
    condition     = toset(keys(module.function)) == toset(["http", "events"]) && module.function["http"].function_name == "shop-test-orders-http"
    error_message = "Two functions, named <prefix>-<service>-http|events."
  }
}

run "topics_and_the_user_pool_only_when_the_service_needs_them" {
  command = plan

  variables {
    publishes_events = true
    notifies         = true
    identity         = { user_pool_id = "eu-west-1_pool", user_pool_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_pool", client_id = "client" }
  }

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.function["http"].statement : statement.sid => statement.resources
      if contains(["PublishEvents", "PublishNotifications", "OwnUserPoolOnly"], statement.sid)
      } == {
      PublishEvents        = toset([var.events_topic_arn])
      PublishNotifications = toset([var.notifications_topic_arn])
      OwnUserPoolOnly      = toset([var.identity.user_pool_arn])
    }
    error_message = "Each topic and the pool, on their own ARN only."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.function["http"].statement :
      alltrue([for action in statement.actions : !strcontains(action, "*")])
    ])
    error_message = "No wildcard action."
  }

  assert {
    condition = (
      [for s in data.aws_iam_policy_document.function["http"].statement : s.actions if s.sid == "OwnUserPoolOnly"] == [toset([for a in var.cognito_actions : "cognito-idp:${a}"])] &&
      [for s in data.aws_iam_policy_document.function["events"].statement : s.actions if s.sid == "OwnUserPoolOnly"] == [toset(["cognito-idp:AdminDeleteUser"])]
    )
    error_message = "The HTTP function gets cognito_actions on the pool, the events function only its own smaller list."
  }
}

run "arns_and_endpoints_are_the_partitions" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn", dns_suffix = "amazonaws.com.cn" }
  }

  override_data {
    target = data.aws_region.current
    values = { name = "cn-north-1" }
  }

  variables {
    watches_queues = true
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.function["http"].statement : s.resources if s.sid == "DepthsOfThisDeploymentsQueues"] == [toset(["arn:aws-cn:sqs:cn-north-1:123456789012:shop-test-*"])]
    error_message = "The queues' ARNs are the partition's."
  }

  assert {
    condition = anytrue(flatten([
      for s in data.aws_iam_policy_document.function["http"].statement : [
        for c in s.condition : c.variable == "kms:ViaService" && toset(c.values) == toset(["secretsmanager.cn-north-1.amazonaws.com.cn"])
      ] if s.sid == "DecryptOwnSecretsOnly"
    ]))
    error_message = "Secrets Manager's endpoint is the partition's."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.function["http"].statement : [for c in s.condition : c.values if c.variable == "kms:ViaService"] if s.sid == "UseSystemKey"
    ])) == toset(["sns.cn-north-1.amazonaws.com.cn", "sqs.cn-north-1.amazonaws.com.cn"])
    error_message = "SNS's and SQS's endpoints are the partition's."
  }
}

run "refuses_an_event_source_above_its_functions_reservation" {
  command = plan

  variables {
    events_function = { reserved_concurrency = 10, maximum_concurrency = 20 }
  }

  expect_failures = [var.events_function]
}

run "refuses_a_service_name_that_is_not_an_identifier" {
  command = plan

  variables {
    service = "Orders-Service"
  }

  expect_failures = [var.service]
}
