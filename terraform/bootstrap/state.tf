# The state bucket of each stage, as environments/aws/stages/<stage>.s3.tfbackend names it
# (read from that file: one source for the bucket, its key and its region), encrypted with a
# customer key of its own. The S3 backend locks with a lock object beside the state
# (use_lockfile), so there is no DynamoDB lock table.

locals {
  backend_files = { for stage in var.stages : stage => file("${path.module}/../environments/aws/stages/${stage}.s3.tfbackend") }
  backends = {
    for stage, text in local.backend_files : stage => {
      for setting in ["bucket", "key", "region"] : setting => regex("(?m)^${setting}\\s*=\\s*\"([^\"]+)\"", text)[0]
    }
  }
}

module "state_key" {
  source = "../modules/kms"

  alias       = "shop-terraform-state"
  description = "Shop: encryption of the Terraform state buckets"
  # Only S3, on behalf of the IAM principals allowed to use the key: no service principal.
  for_aws_services = false
}

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second bucket per account for a bucket only the pipeline's roles touch; CloudTrail records their calls.
  #checkov:skip=CKV_AWS_144:Cross-region replication of the state is a recovery choice per account; versioning keeps every earlier state here.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of the state bucket; notifications would have no listener.
  for_each = local.backends

  bucket = each.value.bucket

  lifecycle {
    precondition {
      condition     = each.value.region == var.region
      error_message = "stages/${each.key}.s3.tfbackend puts its bucket in ${each.value.region}, this configuration in ${var.region}: set var.region."
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  for_each = aws_s3_bucket.state

  bucket = each.value.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  for_each = aws_s3_bucket.state

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  for_each = aws_s3_bucket.state

  bucket = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  for_each = aws_s3_bucket.state

  bucket = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.state_key.key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  for_each = aws_s3_bucket.state

  bucket = each.value.id
  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
  # The rule applies to a versioned bucket.
  depends_on = [aws_s3_bucket_versioning.state]
}

data "aws_iam_policy_document" "state_bucket" {
  for_each = aws_s3_bucket.state

  statement {
    sid       = "DenyAnythingButTls"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  for_each = aws_s3_bucket.state

  bucket = each.value.id
  policy = data.aws_iam_policy_document.state_bucket[each.key].json
  # S3 refuses a bucket policy while the public access block is being written.
  depends_on = [aws_s3_bucket_public_access_block.state]
}
