# One DynamoDB table of one service: the shared key schema of
# resources.json "table_defaults" (pk/sk + sparse GSIs), on-demand capacity,
# point-in-time recovery, SSE with the customer managed key, TTL, and a
# NEW_IMAGE stream when the service publishes events through its outbox.

locals {
  key_attributes = distinct(compact(concat(
    [var.hash_key, var.range_key],
    flatten([for index in var.indexes : [index.hash_key, index.range_key]]),
  )))
}

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = var.hash_key
  range_key                   = var.range_key
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = var.stream_enabled
  stream_view_type            = var.stream_enabled ? "NEW_IMAGE" : null

  dynamic "attribute" {
    for_each = local.key_attributes
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = { for index in var.indexes : index.name => index }
    content {
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  ttl {
    attribute_name = var.ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
