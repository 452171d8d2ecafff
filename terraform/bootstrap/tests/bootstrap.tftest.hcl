# The foundations' contract against a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_bootstrap.py. Statements are read from the arguments of the policy
# documents (a mocked data source renders no JSON).

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
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
  repository = "acme/shop"
}

run "each_stage_gets_the_bucket_its_backend_names_locked_down" {
  command = apply

  assert {
    condition     = { for stage, bucket in aws_s3_bucket.state : stage => bucket.bucket } == { dev = "shop-terraform-state-dev", prod = "shop-terraform-state-prod" }
    error_message = "One bucket per stage, named as environments/aws/stages/<stage>.s3.tfbackend says."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.state : v.versioning_configuration[0].status == "Enabled"])
    error_message = "Versioning keeps every earlier state."
  }

  assert {
    condition = alltrue([
      for e in aws_s3_bucket_server_side_encryption_configuration.state : alltrue([
        for rule in e.rule : one(rule.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" && one(rule.apply_server_side_encryption_by_default).kms_master_key_id == module.state_key.key_arn
      ])
    ])
    error_message = "SSE-KMS with the state's own key."
  }

  assert {
    condition = alltrue([
      for b in aws_s3_bucket_public_access_block.state : b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets
    ])
    error_message = "Every public access is blocked."
  }

  assert {
    condition     = alltrue([for o in aws_s3_bucket_ownership_controls.state : o.rule[0].object_ownership == "BucketOwnerEnforced"])
    error_message = "ACLs off: the bucket owns every object."
  }

  assert {
    condition = alltrue([
      for l in aws_s3_bucket_lifecycle_configuration.state : one(l.rule).noncurrent_version_expiration[0].noncurrent_days == var.noncurrent_version_days
    ])
    error_message = "Overwritten state versions expire after var.noncurrent_version_days."
  }

  assert {
    condition = alltrue([
      for document in data.aws_iam_policy_document.state_bucket : alltrue([
        for statement in document.statement : statement.effect == "Deny" && anytrue([
          for c in statement.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && toset(c.values) == toset(["false"])
        ])
      ])
    ])
    error_message = "The bucket policy refuses every request not made over TLS."
  }

  assert {
    condition     = aws_iam_openid_connect_provider.github.url == "https://token.actions.githubusercontent.com" && toset(aws_iam_openid_connect_provider.github.client_id_list) == toset(["sts.amazonaws.com"])
    error_message = "GitHub Actions' OIDC provider, audience sts.amazonaws.com."
  }
}

run "the_roles_trust_only_this_repository_s_environment_or_main_and_dev_s_plan_pull_requests" {
  command = apply

  assert {
    condition = {
      for key, document in data.aws_iam_policy_document.trust : key => {
        for c in one(document.statement).condition : c.variable => toset(c.values) if c.test == "StringEquals"
      }
      } == {
      dev-deploy  = { "token.actions.githubusercontent.com:aud" = toset(["sts.amazonaws.com"]), "token.actions.githubusercontent.com:sub" = toset(["repo:acme/shop:environment:dev"]) }
      prod-deploy = { "token.actions.githubusercontent.com:aud" = toset(["sts.amazonaws.com"]), "token.actions.githubusercontent.com:sub" = toset(["repo:acme/shop:environment:prod"]) }
      dev-plan    = { "token.actions.githubusercontent.com:aud" = toset(["sts.amazonaws.com"]), "token.actions.githubusercontent.com:sub" = toset(["repo:acme/shop:pull_request", "repo:acme/shop:ref:refs/heads/main"]) }
      prod-plan   = { "token.actions.githubusercontent.com:aud" = toset(["sts.amazonaws.com"]), "token.actions.githubusercontent.com:sub" = toset(["repo:acme/shop:ref:refs/heads/main"]) }
    }
    error_message = "Deploy roles: the repository's environment of their stage; plan roles: main, and pull requests for dev's alone (no pull request reads prod's state or cursor key)."
  }

  assert {
    condition = alltrue([
      for document in data.aws_iam_policy_document.trust : one(document.statement).principals == toset([{ type = "Federated", identifiers = toset([aws_iam_openid_connect_provider.github.arn]) }])
    ])
    error_message = "Only GitHub's OIDC provider may assume the roles."
  }

  assert {
    condition     = output.github_secrets == { repository = { AWS_PLAN_ROLE_DEV = aws_iam_role.github["dev-plan"].arn, AWS_PLAN_ROLE_PROD = aws_iam_role.github["prod-plan"].arn }, environments = { dev = { AWS_DEPLOY_ROLE = aws_iam_role.github["dev-deploy"].arn }, prod = { AWS_DEPLOY_ROLE = aws_iam_role.github["prod-deploy"].arn } } }
    error_message = "The outputs name the secrets the workflows read: AWS_PLAN_ROLE_<STAGE> in the repository, AWS_DEPLOY_ROLE in each environment."
  }

  assert {
    condition     = alltrue([for role in aws_iam_role.github : !startswith(role.name, "shop-")])
    error_message = "No role of the pipeline falls under the shop-<stage>-* names a deploy role may write: it cannot edit itself."
  }
}

run "the_plan_role_only_reads" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for statement in data.aws_iam_policy_document.permissions["prod-plan"].statement : [
        for action in statement.actions : statement.effect == "Allow" && (can(regex(":(Get|List|Describe)", action)) || contains(["kms:Decrypt", "apigateway:GET"], action))
      ]
    ]))
    error_message = "The plan role gets Describe/Get/List (and Decrypt of the state) only: nothing that writes, not even the lock."
  }

  assert {
    condition = contains(flatten([
      for statement in data.aws_iam_policy_document.permissions["prod-plan"].statement : tolist(statement.actions)
    ]), "secretsmanager:GetRandomPassword")
    error_message = "The plan opens the cursor key's ephemeral password: it needs secretsmanager:GetRandomPassword."
  }

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.permissions["prod-plan"].statement : statement.sid => statement.resources if startswith(statement.sid, "ReadState") || statement.sid == "ListStateBucket"
      } == {
      ListStateBucket = toset(["arn:aws:s3:::shop-terraform-state-prod"])
      ReadState       = toset(["arn:aws:s3:::shop-terraform-state-prod/shop/prod/terraform.tfstate"])
    }
    error_message = "prod's plan role reads prod's state object, and no other stage's."
  }

  assert {
    condition = flatten([
      for statement in data.aws_iam_policy_document.permissions["prod-plan"].statement : tolist(statement.resources) if contains(statement.actions, "secretsmanager:GetSecretValue")
      ]) == [
      "arn:aws:secretsmanager:*:123456789012:secret:shop-prod-*/cursor-key-*",
      "arn:aws:secretsmanager:*:123456789012:secret:shop-prod/cursor-key-*",
    ]
    error_message = "The one secret value a plan reads is the cursor key's (the provider reads its version); never the Stripe key."
  }
}

run "the_deploy_role_reaches_only_its_stage" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : [
        for resource in statement.resources : (
          resource == "*" || strcontains(resource, "shop-dev") || strcontains(resource, "shop-terraform-state-dev") ||
          length(statement.condition) > 0 || can(regex("(:event-source-mapping:|:distribution/|:hostedzone/|:change/|::/)", resource))
        )
      ]
    ]))
    error_message = "Every resource of dev's deploy role is dev's, held to dev by a condition, or one AWS names only by a generated id."
  }

  assert {
    condition = !anytrue(flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : [
        for resource in statement.resources : strcontains(resource, "prod")
      ]
    ]))
    error_message = "Nothing of prod's."
  }

  assert {
    condition = [
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : {
        resources = statement.resources
        condition = statement.condition
      } if contains(statement.actions, "iam:PassRole")
      ] == [{
        resources = toset(["arn:aws:iam::123456789012:role/shop-dev-*"])
        condition = toset([{ test = "StringEquals", variable = "iam:PassedToService", values = tolist(["lambda.amazonaws.com"]) }])
    }]
    error_message = "iam:PassRole only for dev's roles and only to Lambda."
  }

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : statement.sid => statement.resources if statement.sid == "WriteStateAndLock"
      } == {
      WriteStateAndLock = toset([
        "arn:aws:s3:::shop-terraform-state-dev/shop/dev/terraform.tfstate",
        "arn:aws:s3:::shop-terraform-state-dev/shop/dev/terraform.tfstate.tflock",
      ])
    }
    error_message = "The deploy role writes its stage's state and the lock object beside it."
  }

  assert {
    condition = [
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : statement.resources if statement.effect == "Deny" && contains(statement.actions, "sts:AssumeRole")
    ] == [toset(["arn:aws:iam::123456789012:role/shop-dev-*"])]
    error_message = "A deploy role never assumes the roles it writes."
  }

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.permissions["prod-deploy"].statement : one(one(statement.condition).values) => statement.resources
      if contains(statement.actions, "iam:CreateServiceLinkedRole")
      } == {
      "replication.dynamodb.amazonaws.com" = toset(["arn:aws:iam::123456789012:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication"])
      "email.cognito-idp.amazonaws.com"    = toset(["arn:aws:iam::123456789012:role/aws-service-role/email.cognito-idp.amazonaws.com/AWSServiceRoleForAmazonCognitoIdpEmailService"])
    }
    error_message = "The deploy role creates the service-linked roles the shop needs and no other: DynamoDB's for global tables, Cognito's for sending through SES (prod's ses_email_identity_arn)."
  }

  assert {
    condition = flatten([
      for statement in data.aws_iam_policy_document.permissions["prod-deploy"].statement : tolist(statement.resources) if contains(statement.actions, "secretsmanager:PutSecretValue")
      ]) == [
      "arn:aws:secretsmanager:*:123456789012:secret:shop-prod-*/cursor-key-*",
      "arn:aws:secretsmanager:*:123456789012:secret:shop-prod/cursor-key-*",
    ]
    error_message = "The one secret value a deploy writes is the cursor key's version; the Stripe key's is an operator's to put, never the pipeline's."
  }
}

run "the_deploy_role_writes_roles_only_under_its_stage_s_boundary" {
  command = apply

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : statement.sid => statement.condition
      if statement.effect == "Allow" && length(setintersection(statement.actions, ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"])) > 0
      } == {
      ChangeStageRolesUnderTheBoundaryOnly = toset([{ test = "StringEquals", variable = "iam:PermissionsBoundary", values = tolist(["arn:aws:iam::123456789012:policy/github-shop-dev-boundary"]) }])
    }
    error_message = "Creating a role and writing its policies or its trust need the stage's boundary on it (iam:PermissionsBoundary), in one statement."
  }

  assert {
    condition = length(setsubtract(["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"], flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : tolist(statement.actions) if statement.sid == "ChangeStageRolesUnderTheBoundaryOnly"
    ]))) == 0
    error_message = "The statement holds every IAM write the boundary condition applies to."
  }

  assert {
    condition = !anytrue([
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : statement.effect == "Allow" && anytrue([
        for action in statement.actions : can(regex("^iam:(DeleteRolePermissionsBoundary|.*Policy(Version)?$)", action)) && !contains(["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:GetRolePolicy", "iam:UpdateAssumeRolePolicy"], action)
      ])
    ])
    error_message = "No Allow removes a boundary or writes a managed policy."
  }

  assert {
    condition = !anytrue(flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : [
        for resource in statement.resources : strcontains(resource, ":policy/") if statement.effect == "Allow"
      ]
    ]))
    error_message = "No Allow statement reaches a managed policy, the boundary least of all."
  }

  assert {
    condition = {
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : statement.sid => statement.resources
      if statement.effect == "Deny" && !contains(statement.actions, "sts:AssumeRole")
      } == {
      NeverRemoveTheBoundary = toset(["arn:aws:iam::123456789012:role/shop-dev-*"])
      NeverEditTheBoundary   = toset(["arn:aws:iam::123456789012:policy/github-shop-dev-boundary"])
    }
    error_message = "Explicit Denies keep the boundary on the stage's roles and the boundary itself unchanged, whatever else the role is given."
  }
}

run "each_stage_s_boundary_caps_its_functions_to_the_stage" {
  command = apply

  assert {
    condition     = { for stage, policy in aws_iam_policy.boundary : stage => policy.name } == { dev = "github-shop-dev-boundary", prod = "github-shop-prod-boundary" }
    error_message = "One boundary per stage, named beside the pipeline's roles, outside the shop-<stage>-* names a deploy role writes."
  }

  assert {
    condition     = alltrue([for stage, policy in aws_iam_policy.boundary : policy.policy == data.aws_iam_policy_document.permissions["${stage}-boundary"].json])
    error_message = "The boundary is its stage's document."
  }

  assert {
    condition = alltrue(flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-boundary"].statement : [
        for resource in statement.resources : statement.effect == "Allow" && (
          can(regex("shop-dev[-/]", resource)) || (resource == "*" && length(statement.condition) == 0 && alltrue([for action in statement.actions : can(regex("^(xray:|dynamodb:ListStreams$|sqs:ListQueues$)", action))])) ||
          statement.condition == toset([{ test = "StringEquals", variable = "aws:ResourceTag/Stage", values = tolist(["dev"]) }])
        )
      ]
    ]))
    error_message = "dev's boundary allows dev's names, keys and user pools tagged for dev, and \"*\" only for what has no resource-level permissions."
  }

  assert {
    condition = !anytrue(flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-boundary"].statement : [
        for action in statement.actions : can(regex("^(iam|sts|lambda|s3):", action)) || strcontains(action, "*")
      ]
    ]))
    error_message = "A function may touch no IAM, STS, Lambda or S3, and no wildcard action."
  }
}

run "arns_and_endpoints_are_the_partitions" {
  command = apply

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn", dns_suffix = "amazonaws.com.cn" }
  }

  assert {
    condition = alltrue(flatten([
      for document in data.aws_iam_policy_document.permissions : [
        for statement in document.statement : [
          for arn in concat(tolist(statement.resources), flatten([for c in statement.condition : c.values])) : startswith(arn, "arn:aws-cn:") if startswith(arn, "arn:")
        ]
      ]
    ]))
    error_message = "Every ARN the roles and the boundaries name, in a resource or a condition, is the partition's."
  }

  assert {
    condition = toset(flatten([
      for statement in data.aws_iam_policy_document.permissions["dev-deploy"].statement : [
        for c in statement.condition : c.values if c.variable == "kms:ViaService"
      ]
    ])) == toset(["s3.eu-west-1.amazonaws.com.cn", "secretsmanager.*.amazonaws.com.cn"])
    error_message = "The services' endpoints in kms:ViaService are the partition's."
  }
}

run "a_repository_that_is_not_owner_slash_name_is_refused" {
  command = plan

  variables {
    repository = "https://github.com/acme/shop"
  }

  expect_failures = [var.repository]
}

run "a_stage_with_a_dash_is_refused" {
  command = plan

  variables {
    stages = ["dev", "dev-eu"]
  }

  expect_failures = [var.stages]
}

run "a_backend_in_another_region_is_refused" {
  command = plan

  variables {
    region = "us-east-1"
  }

  expect_failures = [aws_s3_bucket.state]
}
