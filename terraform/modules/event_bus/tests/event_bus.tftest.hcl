# The topics' contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py.

mock_provider "aws" {}

variables {
  name_prefix         = "shop-test"
  kms_key_arn         = "arn:aws:kms:eu-west-1:123456789012:key/system"
  notification_emails = ["support@shop.example"]
}

run "both_topics_named_by_the_prefix_and_encrypted_with_the_given_key" {
  command = plan

  assert {
    condition     = aws_sns_topic.events.name == "shop-test-events" && aws_sns_topic.notifications.name == "shop-test-notifications"
    error_message = "The topics are <prefix>-<resources.json topic>."
  }

  assert {
    condition     = aws_sns_topic.events.kms_master_key_id == var.kms_key_arn && aws_sns_topic.notifications.kms_master_key_id == var.kms_key_arn
    error_message = "Both encrypted with the customer managed key."
  }

  assert {
    condition     = [for s in aws_sns_topic_subscription.notification_email : [s.protocol, s.endpoint]] == [["email", "support@shop.example"]]
    error_message = "Each notification address subscribes to the notifications topic by e-mail."
  }
}

run "refuses_a_prefix_sns_would_refuse" {
  command = plan

  variables {
    name_prefix = "shop.test"
  }

  expect_failures = [var.name_prefix]
}

run "refuses_an_alias_for_a_key" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.kms_key_arn]
}

run "refuses_a_notification_address_that_is_no_address" {
  command = plan

  variables {
    notification_emails = ["support"]
  }

  expect_failures = [var.notification_emails]
}
