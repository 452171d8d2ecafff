# The queue's contract, applied to a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py.

# A policy document's rendered JSON is a mock value: the provider checks it is JSON, and the
# runs assert on the document's arguments instead.
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}

variables {
  name                     = "shop-test-orders"
  topic_arn                = "arn:aws:sns:eu-west-1:123456789012:shop-test-events"
  event_types              = ["PaymentCaptured", "OrderPlaced"]
  function_timeout_seconds = 30
  kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/system"
  alarm_topic_arn          = "arn:aws:sns:eu-west-1:123456789012:shop-test-alarms"
}

run "queue_and_dlq_are_named_encrypted_and_redriven" {
  assert {
    condition     = aws_sqs_queue.this.name == "shop-test-orders" && aws_sqs_queue.dlq.name == "shop-test-orders-dlq"
    error_message = "The queue is named as given, its DLQ <name>-dlq."
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "Both encrypted with the customer managed key."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy) == { deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5 }
    error_message = "Redriven to its own DLQ after max_receive_count receives."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq.redrive_allow_policy).sourceQueueArns == [aws_sqs_queue.this.arn]
    error_message = "The DLQ takes messages from its queue only."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 180
    error_message = "Visibility timeout at least 6 x the function's timeout."
  }

  assert {
    condition     = aws_sqs_queue.dlq.message_retention_seconds == 1209600 && aws_sqs_queue.this.message_retention_seconds * 2 <= aws_sqs_queue.dlq.message_retention_seconds
    error_message = "The DLQ keeps a message 14 days from its first enqueue, the queue at most half that: a week at least to redrive."
  }
}

run "only_the_events_topic_sends_and_only_the_consumed_types" {
  assert {
    condition = {
      for name, document in data.aws_iam_policy_document.topic_sends : name => [
        for statement in document.statement : {
          actions    = statement.actions
          resources  = statement.resources
          principals = statement.principals
          condition  = [for c in statement.condition : { test = c.test, variable = c.variable, values = toset(c.values) }]
        }
      ]
      } == {
      for name, arn in { queue = aws_sqs_queue.this.arn, dlq = aws_sqs_queue.dlq.arn } : name => [{
        actions    = toset(["sqs:SendMessage"])
        resources  = toset([arn])
        principals = toset([{ type = "Service", identifiers = toset(["sns.amazonaws.com"]) }])
        condition  = [{ test = "ArnEquals", variable = "aws:SourceArn", values = toset([var.topic_arn]) }]
      }]
    }
    error_message = "The queue policies admit SendMessage from the events topic only: to the queue, and to the DLQ."
  }

  assert {
    condition     = aws_sqs_queue_policy.this.queue_url == aws_sqs_queue.this.id && aws_sqs_queue_policy.dlq.queue_url == aws_sqs_queue.dlq.id
    error_message = "Each queue gets its policy."
  }

  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this.redrive_policy) == { deadLetterTargetArn = aws_sqs_queue.dlq.arn }
    error_message = "What SNS cannot deliver to the queue goes to its DLQ, where the DLQ alarm sees it."
  }

  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this.filter_policy) == { event_type = ["OrderPlaced", "PaymentCaptured"] } && aws_sns_topic_subscription.this.raw_message_delivery
    error_message = "The subscription filters on the consumed event types, raw delivery."
  }

  assert {
    condition     = toset(values(module.alarms.names)) == toset(["shop-test-orders-dlq-not-empty", "shop-test-orders-oldest-message-age"])
    error_message = "The queue pages for its DLQ and its oldest message."
  }
}

run "refuses_a_name_sqs_would_refuse" {
  command = plan

  variables {
    name = "shop test orders"
  }

  expect_failures = [var.name]
}

run "refuses_a_queue_that_consumes_nothing" {
  command = plan

  variables {
    event_types = []
  }

  expect_failures = [var.event_types]
}

run "refuses_a_redrive_that_never_happens" {
  command = plan

  variables {
    max_receive_count = 0
  }

  expect_failures = [var.max_receive_count]
}

run "refuses_a_retention_that_leaves_the_dlq_too_little_time" {
  command = plan

  variables {
    message_retention_seconds = 1209600
  }

  expect_failures = [var.message_retention_seconds]
}
