# What each role may do, per stage. The plan role gets the `read` statements: the
# Describe/Get/List calls a refresh makes on what environments/aws creates, the state, and
# GetRandomPassword (the plan opens the cursor key's ephemeral password). The deploy role
# gets `read` and `write`: what `terraform apply` of environments/aws needs. Every statement
# reaches only the stage's names (`shop-<stage>` and `shop-<stage>-*`, in any region: the
# multi-region option and CloudFront's us-east-1) where the service has resource-level
# permissions; keys and user pools have generated ids, so their statements hold to the
# stage's `Stage` tag (environments/aws's default_tags); "*" only where AWS has nothing
# narrower (tests/terraform/test_iam.py lists each with its reason).

data "aws_caller_identity" "current" {}

# ARNs and endpoints of the account's partition (aws, aws-cn, aws-us-gov).
data "aws_partition" "current" {}

locals {
  account    = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # What a statement's `resources` names, per stage.
  scopes = {
    for stage, backend in local.backends : stage => {
      "*"            = ["*"]
      bucket         = ["arn:${local.partition}:s3:::${backend.bucket}"]
      state          = ["arn:${local.partition}:s3:::${backend.bucket}/${backend.key}"]
      state_and_lock = ["arn:${local.partition}:s3:::${backend.bucket}/${backend.key}", "arn:${local.partition}:s3:::${backend.bucket}/${backend.key}.tflock"]
      state_key      = [module.state_key.key_arn]
      roles          = ["arn:${local.partition}:iam::${local.account}:role/shop-${stage}-*"]
      functions = [
        "arn:${local.partition}:lambda:*:${local.account}:function:shop-${stage}-*",
        "arn:${local.partition}:lambda:*:${local.account}:function:shop-${stage}-*:*",
        "arn:${local.partition}:lambda:*:${local.account}:layer:shop-${stage}-*",
        "arn:${local.partition}:lambda:*:${local.account}:layer:shop-${stage}-*:*",
      ]
      # Mappings are named by generated UUIDs: the for_stage_functions condition scopes them.
      event_source_mappings = ["arn:${local.partition}:lambda:*:${local.account}:event-source-mapping:*"]
      tables                = ["arn:${local.partition}:dynamodb:*:${local.account}:table/shop-${stage}-*"]
      queues                = ["arn:${local.partition}:sqs:*:${local.account}:shop-${stage}-*"]
      topics                = ["arn:${local.partition}:sns:*:${local.account}:shop-${stage}-*"]
      log_groups = flatten([
        for name in ["/aws/lambda/shop-${stage}-*", "/aws/apigateway/shop-${stage}/*", "aws-waf-logs-shop-${stage}"] :
        ["arn:${local.partition}:logs:*:${local.account}:log-group:${name}", "arn:${local.partition}:logs:*:${local.account}:log-group:${name}:*"]
      ])
      function_logs = ["arn:${local.partition}:logs:*:${local.account}:log-group:/aws/lambda/shop-${stage}-*:*"]
      alarms        = ["arn:${local.partition}:cloudwatch:*:${local.account}:alarm:shop-${stage}-*"]
      dashboards    = ["arn:${local.partition}:cloudwatch::${local.account}:dashboard/shop-${stage}", "arn:${local.partition}:cloudwatch::${local.account}:dashboard/shop-${stage}-*"]
      secrets       = ["arn:${local.partition}:secretsmanager:*:${local.account}:secret:shop-${stage}/*", "arn:${local.partition}:secretsmanager:*:${local.account}:secret:shop-${stage}-*"]
      cursor_key    = ["arn:${local.partition}:secretsmanager:*:${local.account}:secret:shop-${stage}/cursor-key-*", "arn:${local.partition}:secretsmanager:*:${local.account}:secret:shop-${stage}-*/cursor-key-*"]
      # Keys and user pools have generated ids: the tagged_for_the_stage condition scopes them.
      keys       = ["arn:${local.partition}:kms:*:${local.account}:key/*"]
      aliases    = ["arn:${local.partition}:kms:*:${local.account}:alias/shop-${stage}", "arn:${local.partition}:kms:*:${local.account}:alias/shop-${stage}-*"]
      user_pools = ["arn:${local.partition}:cognito-idp:*:${local.account}:userpool/*"]
      # HTTP APIs, domain names, distributions and hosted zones are addressed by generated
      # ids, and carry no name to hold to.
      apis               = [for path in ["/apis", "/apis/*", "/domainnames", "/domainnames/*", "/tags/*"] : "arn:${local.partition}:apigateway:*::${path}"]
      distributions      = ["arn:${local.partition}:cloudfront::${local.account}:distribution/*"]
      web_acls           = ["arn:${local.partition}:wafv2:us-east-1:${local.account}:global/webacl/shop-${stage}/*"]
      dns                = ["arn:${local.partition}:route53:::hostedzone/*", "arn:${local.partition}:route53:::change/*"]
      hosted_zones       = ["arn:${local.partition}:route53:::hostedzone/*"]
      replication_role   = ["arn:${local.partition}:iam::${local.account}:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication"]
      cognito_email_role = ["arn:${local.partition}:iam::${local.account}:role/aws-service-role/email.cognito-idp.amazonaws.com/AWSServiceRoleForAmazonCognitoIdpEmailService"]
      boundary           = [local.boundary_arns[stage]]
    }
  }

  # What a statement's `condition` names, per stage.
  conditions = {
    for stage, backend in local.backends : stage => {
      none = []
      # The state's key, used by S3 for this stage's bucket only.
      s3_for_the_stage_bucket = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["s3.${backend.region}.${local.dns_suffix}"] },
        { test = "StringEquals", variable = "kms:EncryptionContext:aws:s3:arn", values = ["arn:${local.partition}:s3:::${backend.bucket}"] },
      ]
      tagged_for_the_stage = [{ test = "StringEquals", variable = "aws:ResourceTag/Stage", values = [stage] }]
      secrets_manager_for_the_stage = [
        { test = "StringEquals", variable = "aws:ResourceTag/Stage", values = [stage] },
        { test = "StringLike", variable = "kms:ViaService", values = ["secretsmanager.*.${local.dns_suffix}"] },
      ]
      requests_the_stage_tag = [{ test = "StringEquals", variable = "aws:RequestTag/Stage", values = [stage] }]
      # A new key carries the stage's tag from its creation; an existing key (only a key
      # being created has no Stage tag yet) cannot be tagged into the stage.
      new_key_for_the_stage = [
        { test = "StringEquals", variable = "aws:RequestTag/Stage", values = [stage] },
        { test = "Null", variable = "aws:ResourceTag/Stage", values = ["true"] },
      ]
      # The role carries (or is being given) the stage's boundary (boundary.tf).
      with_the_boundary    = [{ test = "StringEquals", variable = "iam:PermissionsBoundary", values = [local.boundary_arns[stage]] }]
      passed_to_lambda     = [{ test = "StringEquals", variable = "iam:PassedToService", values = ["lambda.amazonaws.com"] }]
      dynamodb_replication = [{ test = "StringEquals", variable = "iam:AWSServiceName", values = ["replication.dynamodb.amazonaws.com"] }]
      cognito_email        = [{ test = "StringEquals", variable = "iam:AWSServiceName", values = ["email.cognito-idp.amazonaws.com"] }]
      for_stage_functions = [{
        test     = "ArnLike"
        variable = "lambda:FunctionArn"
        values   = ["arn:${local.partition}:lambda:*:${local.account}:function:shop-${stage}-*", "arn:${local.partition}:lambda:*:${local.account}:function:shop-${stage}-*:*"]
      }]
    }
  }

  # The statements: `resources` and `condition` name a scope and a condition above.
  read = [
    { sid = "ListStateBucket", actions = ["s3:ListBucket"], resources = "bucket", condition = "none" },
    { sid = "ReadState", actions = ["s3:GetObject"], resources = "state", condition = "none" },
    { sid = "DecryptState", actions = ["kms:Decrypt"], resources = "state_key", condition = "s3_for_the_stage_bucket" },
    {
      sid       = "ReadStageRoles"
      actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"]
      resources = "roles"
      condition = "none"
    },
    {
      sid = "ReadStageFunctions"
      actions = [
        "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
        "lambda:GetFunctionConcurrency", "lambda:GetPolicy", "lambda:GetAlias", "lambda:ListVersionsByFunction",
        "lambda:ListTags", "lambda:GetLayerVersion",
      ]
      resources = "functions"
      condition = "none"
    },
    {
      sid       = "ReadEventSourceMappings"
      actions   = ["lambda:GetEventSourceMapping"]
      resources = "event_source_mappings"
      condition = "none"
    },
    {
      sid = "ReadStageTables"
      actions = [
        "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive",
        "dynamodb:ListTagsOfResource",
      ]
      resources = "tables"
      condition = "none"
    },
    { sid = "ReadStageQueues", actions = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], resources = "queues", condition = "none" },
    {
      sid       = "ReadStageTopics"
      actions   = ["sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTagsForResource"]
      resources = "topics"
      condition = "none"
    },
    { sid = "ReadStageLogGroups", actions = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], resources = "log_groups", condition = "none" },
    { sid = "ReadStageAlarms", actions = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], resources = "alarms", condition = "none" },
    { sid = "ReadStageDashboards", actions = ["cloudwatch:GetDashboard"], resources = "dashboards", condition = "none" },
    # The provider reads a secret version with GetSecretValue, even a write-only one: the
    # cursor key's (the Stripe key's secret has no version in Terraform, so no role reads it).
    { sid = "ReadCursorKeyVersion", actions = ["secretsmanager:GetSecretValue"], resources = "cursor_key", condition = "none" },
    { sid = "DecryptCursorKeyThroughSecretsManager", actions = ["kms:Decrypt"], resources = "keys", condition = "secrets_manager_for_the_stage" },
    { sid = "ReadStageSecrets", actions = ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"], resources = "secrets", condition = "none" },
    {
      sid       = "ReadStageKeys"
      actions   = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
      resources = "keys"
      condition = "tagged_for_the_stage"
    },
    {
      sid = "ReadStageUserPools"
      actions = [
        "cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient", "cognito-idp:GetGroup",
        "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:ListTagsForResource",
      ]
      resources = "user_pools"
      condition = "tagged_for_the_stage"
    },
    { sid = "ReadApis", actions = ["apigateway:GET"], resources = "apis", condition = "none" },
    {
      sid       = "ReadDistributions"
      actions   = ["cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:ListTagsForResource"]
      resources = "distributions"
      condition = "none"
    },
    {
      sid       = "ReadStageWebAcl"
      actions   = ["wafv2:GetWebACL", "wafv2:GetLoggingConfiguration", "wafv2:ListTagsForResource"]
      resources = "web_acls"
      condition = "none"
    },
    {
      sid       = "ReadDnsRecords"
      actions   = ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:GetChange"]
      resources = "dns"
      condition = "none"
    },
    {
      sid = "ReadWithoutResourceLevelPermissions"
      actions = [
        "secretsmanager:GetRandomPassword", "kms:ListAliases", "logs:DescribeLogGroups",
      ]
      resources = "*"
      condition = "none"
    },
  ]

  write = [
    # The state and its lock object (S3 backend, use_lockfile).
    { sid = "WriteStateAndLock", actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources = "state_and_lock", condition = "none" },
    { sid = "EncryptState", actions = ["kms:Encrypt", "kms:GenerateDataKey"], resources = "state_key", condition = "s3_for_the_stage_bucket" },
    {
      sid = "ManageStageRoles"
      actions = [
        "iam:DeleteRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole", "iam:ListInstanceProfilesForRole",
      ]
      resources = "roles"
      condition = "none"
    },
    # What a role may do, and who may assume it, is written here: only into a role under the
    # stage's boundary, so no policy it writes reaches beyond the boundary, and no principal it
    # lets in gets more. IAM has no condition key on a trust policy's principals: the boundary
    # is what holds UpdateAssumeRolePolicy.
    {
      sid       = "ChangeStageRolesUnderTheBoundaryOnly"
      actions   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"]
      resources = "roles"
      condition = "with_the_boundary"
    },
    {
      sid       = "PassStageRolesToLambdaOnly"
      actions   = ["iam:PassRole"]
      resources = "roles"
      condition = "passed_to_lambda"
    },
    {
      sid       = "GlobalTablesReplicationRole"
      actions   = ["iam:CreateServiceLinkedRole"]
      resources = "replication_role"
      condition = "dynamodb_replication"
    },
    # Cognito creates it, with the caller's permission, for the first pool that sends its
    # e-mails through SES (environments/aws's ses_email_identity_arn, which prod requires).
    {
      sid       = "CognitoSesSendingRole"
      actions   = ["iam:CreateServiceLinkedRole"]
      resources = "cognito_email_role"
      condition = "cognito_email"
    },
    {
      sid = "ManageStageFunctions"
      actions = [
        "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion", "lambda:TagResource", "lambda:UntagResource",
        "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:AddPermission",
        "lambda:RemovePermission", "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias",
        "lambda:PublishLayerVersion", "lambda:DeleteLayerVersion",
      ]
      resources = "functions"
      condition = "none"
    },
    {
      sid       = "CreateEventSourceMappingsForStageFunctions"
      actions   = ["lambda:CreateEventSourceMapping"]
      resources = "*"
      condition = "for_stage_functions"
    },
    {
      sid       = "ChangeEventSourceMappingsOfStageFunctions"
      actions   = ["lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"]
      resources = "event_source_mappings"
      condition = "for_stage_functions"
    },
    {
      sid = "ManageStageTables"
      actions = [
        "dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups",
        "dynamodb:UpdateTimeToLive", "dynamodb:TagResource", "dynamodb:UntagResource",
        "dynamodb:CreateTableReplica", "dynamodb:DeleteTableReplica",
      ]
      resources = "tables"
      condition = "none"
    },
    {
      sid       = "ManageStageQueues"
      actions   = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
      resources = "queues"
      condition = "none"
    },
    {
      sid = "ManageStageTopics"
      actions = [
        "sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource",
        "sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes",
      ]
      resources = "topics"
      condition = "none"
    },
    {
      sid = "ManageStageLogGroups"
      actions = [
        "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource",
        "logs:TagLogGroup", "logs:UntagLogGroup",
      ]
      resources = "log_groups"
      condition = "none"
    },
    {
      sid       = "ManageStageAlarms"
      actions   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
      resources = "alarms"
      condition = "none"
    },
    { sid = "ManageStageDashboards", actions = ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"], resources = "dashboards", condition = "none" },
    {
      sid = "ManageStageSecrets"
      actions = [
        "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret",
        "secretsmanager:TagResource", "secretsmanager:UntagResource",
        "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication",
      ]
      resources = "secrets"
      condition = "none"
    },
    # The one value a deploy writes is the cursor key's (its write-only version); an operator
    # puts the Stripe key's (modules/secrets), so no deploy can replace it.
    { sid = "WriteCursorKeyVersion", actions = ["secretsmanager:PutSecretValue"], resources = "cursor_key", condition = "none" },
    {
      sid       = "CreateKeysTaggedForTheStage"
      actions   = ["kms:CreateKey", "kms:TagResource"]
      resources = "*"
      condition = "new_key_for_the_stage"
    },
    {
      sid = "ManageStageKeys"
      actions = [
        "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:UpdateKeyDescription",
        "kms:TagResource", "kms:UntagResource", "kms:CreateGrant", "kms:Encrypt", "kms:Decrypt",
        "kms:GenerateDataKey", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
      ]
      resources = "keys"
      condition = "tagged_for_the_stage"
    },
    { sid = "ManageStageAliases", actions = ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"], resources = "aliases", condition = "none" },
    {
      sid       = "CreateUserPoolsTaggedForTheStage"
      actions   = ["cognito-idp:CreateUserPool"]
      resources = "*"
      condition = "requests_the_stage_tag"
    },
    {
      sid = "ManageStageUserPools"
      actions = [
        "cognito-idp:UpdateUserPool", "cognito-idp:DeleteUserPool", "cognito-idp:CreateUserPoolClient",
        "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient", "cognito-idp:CreateGroup",
        "cognito-idp:UpdateGroup", "cognito-idp:DeleteGroup", "cognito-idp:SetUserPoolMfaConfig",
        "cognito-idp:TagResource", "cognito-idp:UntagResource",
      ]
      resources = "user_pools"
      condition = "tagged_for_the_stage"
    },
    # After the apply, the acceptance tests' throw-away admin (scripts/pipeline_admin.py, in
    # stage.yml's apply job): made, put in the admin group, removed. The functions' boundary
    # grants no group membership.
    {
      sid = "ManageTheAcceptanceAdmin"
      actions = [
        "cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword", "cognito-idp:AdminAddUserToGroup",
        "cognito-idp:AdminDeleteUser",
      ]
      resources = "user_pools"
      condition = "tagged_for_the_stage"
    },
    { sid = "ManageApis", actions = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"], resources = "apis", condition = "none" },
    {
      sid = "ManageDistributions"
      actions = [
        "cloudfront:CreateDistribution", "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution",
        "cloudfront:TagResource", "cloudfront:UntagResource",
      ]
      resources = "distributions"
      condition = "none"
    },
    {
      sid = "ManageStageWebAcl"
      actions = [
        "wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:TagResource",
        "wafv2:UntagResource", "wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration",
      ]
      resources = "web_acls"
      condition = "none"
    },
    { sid = "ChangeDnsRecords", actions = ["route53:ChangeResourceRecordSets"], resources = "hosted_zones", condition = "none" },
    # WAF's log delivery to CloudWatch Logs (modules/edge): a vended log delivery.
    {
      sid       = "DeliverWafLogs"
      actions   = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies"]
      resources = "*"
      condition = "none"
    },
    # The roles it writes could trust it by name: it never assumes them.
    { sid = "NeverAssumeStageRoles", effect = "Deny", actions = ["sts:AssumeRole"], resources = "roles", condition = "none" },
    # Nothing above allows these; the Denies hold even if the role is given more one day.
    { sid = "NeverRemoveTheBoundary", effect = "Deny", actions = ["iam:DeleteRolePermissionsBoundary"], resources = "roles", condition = "none" },
    {
      sid       = "NeverEditTheBoundary"
      effect    = "Deny"
      actions   = ["iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]
      resources = "boundary"
      condition = "none"
    },
  ]

  # Every document: each role's permissions and each stage's boundary (boundary.tf).
  documents = merge(
    {
      for key, role in local.roles : key => {
        stage      = role.stage
        statements = concat(local.read, [for statement in local.write : statement if role.kind == "deploy"])
      }
    },
    { for stage in var.stages : "${stage}-boundary" => { stage = stage, statements = local.boundary } },
  )
}

data "aws_iam_policy_document" "permissions" {
  for_each = local.documents

  dynamic "statement" {
    for_each = each.value.statements
    content {
      sid       = statement.value.sid
      effect    = lookup(statement.value, "effect", "Allow")
      actions   = statement.value.actions
      resources = local.scopes[each.value.stage][statement.value.resources]
      dynamic "condition" {
        for_each = local.conditions[each.value.stage][statement.value.condition]
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}
