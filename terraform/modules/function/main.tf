# One Lambda function with everything every function must have: its own IAM
# role (the caller's least-privilege statements + writing its own log group +
# X-Ray), a KMS-encrypted log group with retention, X-Ray tracing Active,
# python3.12 on arm64, and alarms on errors, throttles and p99 duration.
# Every aws_lambda_function of the system is created here (a test checks it).

locals {
  log_group_name = "/aws/lambda/${var.name}"
  # Alarm when p99 duration exceeds this share of the timeout.
  p99_threshold_ms = coalesce(var.p99_duration_threshold_ms, floor(var.timeout * 1000 * 0.8))
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Execution role of ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "WriteOwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # X-Ray has no resource-level permissions: "*" is the only valid resource.
  statement {
    sid = "XRayTracing"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DecryptEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "runtime" {
  name   = "runtime"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.runtime.json
}

resource "aws_iam_role_policy" "service" {
  name   = "service"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is a per-stage variable (log_retention_days); one year is too costly for dev stages.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by API Gateway or by event source mappings; failed messages go to the SQS DLQs / on-failure destinations, an async DLQ would never receive anything.
  #checkov:skip=CKV_AWS_117:The functions reach only AWS public endpoints (DynamoDB, SNS, SQS, Cognito); no VPC resources to protect, and a VPC would add NAT cost and cold-start latency.
  #checkov:skip=CKV_AWS_115:Reserved in prod from its budget (stages/prod.tfvars, docs/decisions/0009); dev and the module's default share the account pool.
  #checkov:skip=CKV_AWS_272:Code signing is not used: zips are built reproducibly by scripts/package.py in CI and pinned by source_code_hash.
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = var.handler
  filename                       = var.zip_path
  source_code_hash               = var.zip_hash
  layers                         = var.layer_arns
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn
  publish                        = var.snap_start # SnapStart snapshots published versions only

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  environment {
    variables = var.environment
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.runtime, aws_iam_role_policy.service, aws_cloudwatch_log_group.this]
}

# With SnapStart, callers invoke this alias: it follows each published (snapshotted) version.
resource "aws_lambda_alias" "live" {
  count = var.snap_start ? 1 : 0

  name             = "live"
  description      = "The latest published version of ${var.name}, restored from its SnapStart snapshot"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

# One row per alarm (modules/alarms): errors, throttles, p99 duration.
module "alarms" {
  source = "../alarms"

  name_prefix     = var.name
  namespace       = "AWS/Lambda"
  dimensions      = { FunctionName = aws_lambda_function.this.function_name }
  alarm_topic_arn = var.alarm_topic_arn
  tags            = var.tags

  alarms = {
    errors = {
      description         = "${var.name} raised errors (unhandled exceptions, timeouts)."
      metric_name         = "Errors"
      threshold           = var.error_threshold
      comparison_operator = "GreaterThanOrEqualToThreshold"
    }
    throttles = {
      description         = "${var.name} was throttled (concurrency limit reached)."
      metric_name         = "Throttles"
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
    }
    duration-p99 = {
      description         = "p99 duration of ${var.name} is above ${local.p99_threshold_ms} ms (timeout ${var.timeout} s)."
      metric_name         = "Duration"
      extended_statistic  = "p99"
      evaluation_periods  = 3
      datapoints_to_alarm = 2
      threshold           = local.p99_threshold_ms
    }
  }
}
