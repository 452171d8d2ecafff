# One customer managed KMS key: the system key (DynamoDB tables, SNS topics,
# SQS queues, CloudWatch log groups, Lambda environment variables) or the key
# of the secrets (modules/secrets), which no AWS service principal may use.
# The key policy lets the account administer the key (IAM policies then decide
# who may use it) and, with for_aws_services, lets the AWS services that encrypt
# on our behalf use it (a key for secrets alone does without).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A KMS key policy must name the key itself as "*"; access is delegated to IAM of this account only.
  #checkov:skip=CKV_AWS_111:A KMS key policy must name the key itself as "*"; access is delegated to IAM of this account only.
  #checkov:skip=CKV_AWS_356:In a key policy "*" means this key only.
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # Only a key that encrypts log groups, topics and queues lets those services use it.
  dynamic "statement" {
    for_each = var.for_aws_services ? [1] : []
    content {
      sid = "CloudWatchLogsEncryptsOurLogGroups"
      actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.${local.dns_suffix}"]
      }
      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
      }
    }
  }

  # SNS delivering the caller's topics into its encrypted queues and their DLQs: only its
  # own topics of this region (aws:SourceArn), not every topic of the account.
  dynamic "statement" {
    for_each = var.for_aws_services ? [1] : []
    content {
      sid       = "SnsDeliversOurTopicsToEncryptedQueues"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:${local.partition}:sns:${local.region}:${local.account_id}:${var.source_name_prefix}-*"]
      }
    }
  }

  # CloudWatch publishing the caller's alarms to its encrypted alarm topic: only its own
  # alarms of this region.
  dynamic "statement" {
    for_each = var.for_aws_services ? [1] : []
    content {
      sid       = "CloudWatchPublishesOurAlarms"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["cloudwatch.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.source_name_prefix}-*"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
