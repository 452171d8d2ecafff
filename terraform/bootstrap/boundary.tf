# Per stage, the permissions boundary every role of the shop carries: the union of what its
# functions may ever do (the statements of modules/function, modules/service and
# modules/outbox_relay, tests/terraform/test_bootstrap.py holds them covered), held to the
# stage's names. The deploy role creates `shop-<stage>-*` roles and writes their policies only
# with this boundary on them (permissions.tf), so whoever controls a deploy can give a function
# no more than this, however it writes its role's policies. A boundary must be a managed policy:
# the one aws_iam_policy of the system. Its name, like the pipeline's roles', stays outside
# `shop-<stage>-*`: no deploy role may edit it.

locals {
  boundary_arns = { for stage in var.stages : stage => "arn:${local.partition}:iam::${local.account}:policy/github-shop-${stage}-boundary" }

  # The statements, as permissions.tf writes them: scopes and conditions of permissions.tf.
  boundary = [
    { sid = "WriteStageFunctionLogs", actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = "function_logs", condition = "none" },
    {
      sid       = "XRayTracing"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
      resources = "*"
      condition = "none"
    },
    {
      # The tables, their indexes and (the relay) their streams.
      sid = "UseStageTables"
      actions = [
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
        "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
      ]
      resources = "tables"
      condition = "none"
    },
    { sid = "PublishToStageTopics", actions = ["sns:Publish"], resources = "topics", condition = "none" },
    {
      sid = "UseStageQueues"
      actions = [
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
        "sqs:SendMessage",
      ]
      resources = "queues"
      condition = "none"
    },
    { sid = "ListWithoutResourceLevelPermissions", actions = ["dynamodb:ListStreams", "sqs:ListQueues"], resources = "*", condition = "none" },
    { sid = "ReadStageSecrets", actions = ["secretsmanager:GetSecretValue"], resources = "secrets", condition = "none" },
    { sid = "UseStageKeys", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = "keys", condition = "tagged_for_the_stage" },
    {
      sid = "UseStageUserPools"
      actions = [
        "cognito-idp:InitiateAuth", "cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword",
        "cognito-idp:AdminDeleteUser", "cognito-idp:AdminDisableUser", "cognito-idp:AdminEnableUser",
        "cognito-idp:AdminUserGlobalSignOut",
      ]
      resources = "user_pools"
      condition = "tagged_for_the_stage"
    },
  ]
}

resource "aws_iam_policy" "boundary" {
  for_each = toset(var.stages)

  name        = "github-shop-${each.key}-boundary"
  description = "Shop ${each.key}: the permissions boundary of every shop-${each.key}-* role (terraform/bootstrap)"
  policy      = data.aws_iam_policy_document.permissions["${each.key}-boundary"].json
}
