# The function's contract, applied to a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py.

# A policy document's rendered JSON is a mock value: the provider checks it is JSON, and the
# runs assert on the document's arguments instead. The role's ARN is checked as an ARN.
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
}

variables {
  name               = "shop-test-orders-http"
  handler            = "shop.orders.handlers.http.handler"
  zip_path           = "orders.zip"
  zip_hash           = "hash"
  policy_json        = "{}"
  kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/system"
  log_retention_days = 30
  alarm_topic_arn    = "arn:aws:sns:eu-west-1:123456789012:shop-test-alarms"
}

run "named_traced_and_encrypted_with_its_own_log_group" {
  assert {
    condition     = aws_lambda_function.this.function_name == var.name && aws_iam_role.this.name == var.name && aws_cloudwatch_log_group.this.name == "/aws/lambda/${var.name}"
    error_message = "The function, its role and its log group are named after it."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "It logs to its own log group, with a retention."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "Logs and environment encrypted with the customer managed key."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active" && tolist(aws_lambda_function.this.architectures) == tolist(["arm64"]) && aws_lambda_function.this.runtime == "python3.12"
    error_message = "X-Ray active, python3.12 on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.memory_size == var.memory_size && aws_lambda_function.this.timeout == var.timeout && aws_lambda_function.this.source_code_hash == var.zip_hash
    error_message = "Sized as given, its code pinned by the zip's hash."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == null
    error_message = "Unreserved unless a reservation is given."
  }
}

run "its_role_writes_only_its_own_log_group_and_decrypts_only_the_key" {
  assert {
    condition = {
      for statement in data.aws_iam_policy_document.runtime.statement : statement.sid => statement.resources
      } == {
      WriteOwnLogGroup   = toset(["${aws_cloudwatch_log_group.this.arn}:*"])
      XRayTracing        = toset(["*"])
      DecryptEnvironment = toset([var.kms_key_arn])
    }
    error_message = "Logs: its own group only; X-Ray needs \"*\"; KMS: the given key only."
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.assume.statement).principals).identifiers == toset(["lambda.amazonaws.com"])
    error_message = "Only Lambda assumes the role."
  }

  assert {
    condition     = aws_iam_role_policy.service.policy == var.policy_json && aws_iam_role_policy.service.role == aws_iam_role.this.id
    error_message = "The caller's statements go on the function's own role."
  }
}

run "its_role_carries_the_permissions_boundary_given" {
  variables {
    permissions_boundary = "arn:aws:iam::123456789012:policy/github-shop-test-boundary"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == var.permissions_boundary
    error_message = "The role carries the boundary: the cap on whatever its policies say."
  }
}

run "no_boundary_unless_one_is_given" {
  assert {
    condition     = aws_iam_role.this.permissions_boundary == null
    error_message = "Without a boundary (the emulators, the examples) the role has none."
  }
}

run "refuses_a_boundary_that_is_not_a_policy_arn" {
  command = plan

  variables {
    permissions_boundary = "github-shop-test-boundary"
  }

  expect_failures = [var.permissions_boundary]
}

run "pages_for_errors_throttles_and_slow_invocations" {
  variables {
    reserved_concurrency = 20
  }

  assert {
    condition     = toset(values(module.alarms.names)) == toset(["shop-test-orders-http-errors", "shop-test-orders-http-throttles", "shop-test-orders-http-duration-p99"])
    error_message = "Three alarms, named <function>-<key>."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 20
    error_message = "A reservation reaches the function."
  }
}

run "refuses_a_name_lambda_would_refuse" {
  command = plan

  variables {
    name = "shop-test-a-name-longer-than-the-sixty-four-characters-lambda-allows"
  }

  expect_failures = [var.name]
}

run "refuses_a_handler_that_is_not_a_module_path" {
  command = plan

  variables {
    handler = "handler"
  }

  expect_failures = [var.handler]
}

run "refuses_a_negative_reservation" {
  command = plan

  variables {
    reserved_concurrency = -1
  }

  expect_failures = [var.reserved_concurrency]
}

run "refuses_a_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}
