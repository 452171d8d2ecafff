# The relay's contract, applied to a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py.

# A policy document's rendered JSON is a mock value: the provider checks it is JSON, and the
# runs assert on the document's arguments instead. The role's ARN is checked as an ARN.
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
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

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:123456789012:function:mock"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:mock"
    }
  }
}

variables {
  name             = "shop-test-outbox-relay"
  handler          = "shop.platform.relay.handler"
  zip_path         = "relay.zip"
  zip_hash         = "hash"
  events_topic_arn = "arn:aws:sns:eu-west-1:123456789012:shop-test-events"
  kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/system"
  alarm_topic_arn  = "arn:aws:sns:eu-west-1:123456789012:shop-test-alarms"
  stream_arns = {
    orders   = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-orders/stream/1"
    payments = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-payments/stream/1"
  }
}

run "reads_only_its_streams_and_publishes_only_events" {
  assert {
    condition = {
      for statement in data.aws_iam_policy_document.relay.statement : statement.sid => statement.resources
      } == {
      ReadOutboxStreams    = toset(values(var.stream_arns))
      ListStreams          = toset(["*"])
      PublishEvents        = toset([var.events_topic_arn])
      OnFailureDestination = toset([aws_sqs_queue.failures.arn])
      UseSystemKey         = toset([var.kms_key_arn])
    }
    error_message = "Each statement is scoped to the relay's own streams, topic, failure queue and key (ListStreams has no resource-level permissions)."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.relay.statement : s.actions if s.sid == "ListStreams"]) == toset(["dynamodb:ListStreams"])
    error_message = "The \"*\" statement allows ListStreams alone."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.relay.statement : [for c in s.condition : [c.test, c.variable, toset(c.values)]] if s.sid == "UseSystemKey"] == [
      [["StringEquals", "kms:ViaService", toset(["sns.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com"])]]
    ]
    error_message = "The system key only through SNS (publishing) and SQS (the failure queue)."
  }
}

run "one_mapping_per_stream_bisecting_into_an_encrypted_failure_queue" {
  assert {
    condition     = toset(keys(aws_lambda_event_source_mapping.stream)) == toset(["orders", "payments"]) && alltrue([for m in aws_lambda_event_source_mapping.stream : m.bisect_batch_on_function_error && m.parallelization_factor == 1 && m.destination_config[0].on_failure[0].destination_arn == aws_sqs_queue.failures.arn])
    error_message = "One mapping per stream, in order, bisecting, failures to the queue."
  }

  assert {
    condition     = aws_sqs_queue.failures.name == "shop-test-outbox-relay-dlq" && aws_sqs_queue.failures.kms_master_key_id == var.kms_key_arn
    error_message = "The failure queue is <name>-dlq, encrypted."
  }

  assert {
    condition     = values(module.alarms.names) == ["shop-test-outbox-relay-dlq-not-empty"] && values(module.stream_alarms.names) == ["shop-test-outbox-relay-iterator-age"]
    error_message = "It pages for its failure queue and for falling behind its streams."
  }
}

run "refuses_a_relay_without_a_stream" {
  command = plan

  variables {
    stream_arns = {}
  }

  expect_failures = [var.stream_arns]
}

run "refuses_an_iterator_age_beyond_a_streams_retention" {
  command = plan

  variables {
    iterator_age_threshold_seconds = 86400
  }

  expect_failures = [var.iterator_age_threshold_seconds]
}
