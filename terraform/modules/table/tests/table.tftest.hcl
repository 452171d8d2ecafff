# The table's contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py.

mock_provider "aws" {}

variables {
  name            = "shop-test-orders"
  kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/table"
  indexes         = [{ name = "gsi1", hash_key = "gsi1pk", range_key = "gsi1sk" }]
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:shop-test-alarms"
}

run "encrypted_with_the_given_key_recoverable_and_on_demand" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "SSE with the customer managed key."
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "PITR on, on-demand capacity."
  }

  assert {
    condition     = aws_dynamodb_table.this.name == "shop-test-orders" && aws_dynamodb_table.this.ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.this.ttl[0].enabled
    error_message = "Named as given, TTL on expires_at."
  }

  assert {
    condition     = [for k in aws_dynamodb_table.this.global_secondary_index : [k.name, k.hash_key, k.range_key, k.projection_type]] == [["gsi1", "gsi1pk", "gsi1sk", "ALL"]] && toset([for a in aws_dynamodb_table.this.attribute : a.type]) == toset(["S"])
    error_message = "The given indexes, projecting everything; string keys."
  }

  assert {
    condition     = !aws_dynamodb_table.this.stream_enabled && length(aws_dynamodb_table.this.replica) == 0 && !aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "No stream unless asked, no replica, no deletion protection by default."
  }
}

run "pages_for_throttles_and_system_errors" {
  command = plan

  assert {
    condition     = toset(values(module.alarms.names)) == toset(["shop-test-orders-table-throttles", "shop-test-orders-table-system-errors"])
    error_message = "Two alarms, named <table>-table-<key>."
  }

  assert {
    condition     = length(module.replication_alarms) == 0
    error_message = "No replication alarm without a replica."
  }
}

run "a_replica_gets_its_own_key_pitr_and_a_latency_alarm" {
  command = plan

  variables {
    replicas = [{ region = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/replica" }]
  }

  assert {
    condition     = one(aws_dynamodb_table.this.replica).kms_key_arn == "arn:aws:kms:eu-central-1:123456789012:key/replica" && one(aws_dynamodb_table.this.replica).point_in_time_recovery
    error_message = "The replica is encrypted with its region's key and recoverable."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "A global table streams new and old images."
  }

  assert {
    condition     = values(module.replication_alarms["eu-central-1"].names) == ["shop-test-orders-table-eu-central-1-replication-latency"]
    error_message = "One replication latency alarm per replica region."
  }
}

run "an_outbox_table_streams_new_images_and_prod_protects_it" {
  command = plan

  variables {
    stream_enabled      = true
    deletion_protection = true
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_IMAGE"
    error_message = "The relay reads new images."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Deletion protection when asked."
  }
}

run "refuses_a_name_dynamodb_would_refuse" {
  command = plan

  variables {
    name = "shop test"
  }

  expect_failures = [var.name]
}

run "refuses_a_key_that_is_not_a_kms_key" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/dynamodb"
  }

  expect_failures = [var.kms_key_arn]
}

run "refuses_a_replication_threshold_below_a_second" {
  command = plan

  variables {
    replication_latency_threshold_ms = 500
  }

  expect_failures = [var.replication_latency_threshold_ms]
}
