# The key's contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py. The key policy is read from the arguments of its
# policy document (a mocked data source renders no JSON).

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
  alias              = "shop-test"
  source_name_prefix = "shop-test"
}

run "a_rotated_key_named_by_its_alias" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "Yearly rotation on, the longest deletion window by default."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/shop-test"
    error_message = "The alias is alias/<alias>."
  }
}

run "the_account_administers_and_the_services_that_encrypt_for_us_use_it" {
  command = plan

  assert {
    condition = {
      for s in data.aws_iam_policy_document.key.statement : s.sid => [for p in s.principals : [p.type, p.identifiers]]
      } == {
      AccountAdministersKeyThroughIam       = [["AWS", toset(["arn:aws:iam::123456789012:root"])]]
      CloudWatchLogsEncryptsOurLogGroups    = [["Service", toset(["logs.eu-west-1.amazonaws.com"])]]
      SnsDeliversOurTopicsToEncryptedQueues = [["Service", toset(["sns.amazonaws.com"])]]
      CloudWatchPublishesOurAlarms          = [["Service", toset(["cloudwatch.amazonaws.com"])]]
    }
    error_message = "Four statements: this account's root, CloudWatch Logs of this region, SNS, CloudWatch alarms."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.actions == toset(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"])
      if s.sid == "CloudWatchLogsEncryptsOurLogGroups"
      ]) && alltrue([
      for s in data.aws_iam_policy_document.key.statement :
      s.actions == toset(["kms:Decrypt", "kms:GenerateDataKey*"])
      if contains(["SnsDeliversOurTopicsToEncryptedQueues", "CloudWatchPublishesOurAlarms"], s.sid)
    ])
    error_message = "The services get the data-key actions they need, never kms:*."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.key.statement : s.sid => toset([for c in s.condition : [c.test, c.variable, toset(c.values)]])
      if s.sid != "AccountAdministersKeyThroughIam"
      } == {
      CloudWatchLogsEncryptsOurLogGroups = toset([["ArnLike", "kms:EncryptionContext:aws:logs:arn", toset(["arn:aws:logs:eu-west-1:123456789012:log-group:*"])]])
      SnsDeliversOurTopicsToEncryptedQueues = toset([
        ["StringEquals", "aws:SourceAccount", toset(["123456789012"])],
        ["ArnLike", "aws:SourceArn", toset(["arn:aws:sns:eu-west-1:123456789012:shop-test-*"])],
      ])
      CloudWatchPublishesOurAlarms = toset([
        ["StringEquals", "aws:SourceAccount", toset(["123456789012"])],
        ["ArnLike", "aws:SourceArn", toset(["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-test-*"])],
      ])
    }
    error_message = "Logs only for this account's log groups; SNS only for the caller's topics, CloudWatch only for its alarms, of this account and region."
  }
}

run "the_logs_principal_and_arns_are_the_partitions" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn", dns_suffix = "amazonaws.com.cn" }
  }

  override_data {
    target = data.aws_region.current
    values = { name = "cn-north-1" }
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.key.statement : [for p in s.principals : p.identifiers]
      if s.sid == "CloudWatchLogsEncryptsOurLogGroups"
    ] == [[toset(["logs.cn-north-1.amazonaws.com.cn"])]]
    error_message = "CloudWatch Logs' regional principal is the partition's."
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.key.statement : [for p in s.principals : p.identifiers]
      if s.sid == "AccountAdministersKeyThroughIam"
    ] == [[toset(["arn:aws-cn:iam::123456789012:root"])]]
    error_message = "The account root's ARN is the partition's."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.key.statement : [for c in s.condition : c.values if c.variable == "aws:SourceArn"]
    ])) == toset(["arn:aws-cn:sns:cn-north-1:123456789012:shop-test-*", "arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:shop-test-*"])
    error_message = "The topics and alarms the services may use the key for are the partition's and the region's."
  }
}

run "a_key_for_secrets_alone_admits_no_aws_service" {
  command = plan

  variables {
    for_aws_services = false
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.key.statement : s.sid] == ["AccountAdministersKeyThroughIam"]
    error_message = "Only the account's administration: no service principal may use a key for secrets."
  }
}

run "a_key_for_aws_services_names_the_topics_and_alarms_it_serves" {
  command = plan

  variables {
    source_name_prefix = null
  }

  expect_failures = [var.source_name_prefix]
}

run "refuses_an_alias_in_the_aws_namespace" {
  command = plan

  variables {
    alias = "aws/dynamodb"
  }

  expect_failures = [var.alias]
}

run "refuses_a_deletion_window_aws_refuses" {
  command = plan

  variables {
    deletion_window_in_days = 3
  }

  expect_failures = [var.deletion_window_in_days]
}
