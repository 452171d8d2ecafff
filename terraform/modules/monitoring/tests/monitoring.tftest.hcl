# The operations view's contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py. That every alarm has its runbook entry is
# tests/terraform/test_paged_alarms.py's.

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
}

variables {
  name_prefix    = "shop-test"
  account_id     = "123456789012"
  api_id         = "a1b2c3"
  function_names = ["shop-test-orders-http", "shop-test-outbox-relay"]
  relay_name     = "shop-test-outbox-relay"
  table_names    = ["shop-test-orders"]
  queue_names    = ["shop-test-orders"]
  dlq_names      = ["shop-test-orders-dlq"]
  alarm_emails   = ["oncall@shop.example"]
  kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/system"
}

run "an_encrypted_alarm_topic_only_this_accounts_alarms_publish_to" {
  command = plan

  assert {
    condition     = aws_sns_topic.alarms.name == "shop-test-alarms" && aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The alarm topic is <prefix>-alarms, encrypted with the customer managed key."
  }

  assert {
    condition = (
      [for s in data.aws_iam_policy_document.alarms.statement : [s.actions, [for p in s.principals : [p.type, p.identifiers]]]] == [[toset(["sns:Publish"]), [["Service", toset(["cloudwatch.amazonaws.com"])]]]] &&
      [for c in one(data.aws_iam_policy_document.alarms.statement).condition : [c.test, c.variable, toset(c.values)]] == [["StringEquals", "aws:SourceAccount", toset([var.account_id])]]
    )
    error_message = "Only CloudWatch, on behalf of this account, may publish to the topic."
  }

  assert {
    condition     = [for s in aws_sns_topic_subscription.email : [s.protocol, s.endpoint]] == [["email", "oncall@shop.example"]]
    error_message = "Each alarm address subscribes by e-mail."
  }
}

run "pages_for_api_errors_latency_and_unmatched_payment_notices" {
  command = plan

  assert {
    condition     = toset(values(module.alarms.names)) == toset(["shop-test-api-5xx", "shop-test-api-latency-p99"])
    error_message = "The API alarms are <prefix>-api-5xx and <prefix>-api-latency-p99."
  }

  assert {
    condition     = values(module.payment_alarms.names) == ["shop-test-payments-unmatched-notices"]
    error_message = "A provider notice that matched no payment pages."
  }
}

run "the_dashboard_shows_every_paged_metric_and_the_business_ones" {
  command = plan

  variables {
    replica_region = "eu-central-1"
  }

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "shop-test"
    error_message = "The dashboard is named by the prefix."
  }

  assert {
    condition = alltrue([
      for metric in ["Latency", "5xx", "Errors", "Duration", "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "IteratorAge", "ThrottledRequests", "SystemErrors", "ReplicationLatency", "OrdersPlaced", "OrdersConfirmed", "OrdersCancelled", "Revenue"] :
      strcontains(join(" ", flatten([
        for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
          for line in widget.properties.metrics : can(tostring(line[0])) ? line[1] : line[0].expression
        ]
      ])), metric)
    ])
    error_message = "A line (a metric, or a SEARCH over one) for the API, the functions, the queues and DLQs, the relay, the tables, replication and the business metrics."
  }

  assert {
    condition = alltrue([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      widget.properties.region == "eu-west-1" && widget.x + widget.width <= 24
    ])
    error_message = "Every widget in this region, inside the dashboard's 24 columns."
  }
}

run "no_replication_widget_without_replicas" {
  command = plan

  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "ReplicationLatency")
    error_message = "Replication latency only when the tables have replicas."
  }
}

run "refuses_an_account_id_that_is_none" {
  command = plan

  variables {
    account_id = "shop"
  }

  expect_failures = [var.account_id]
}

run "refuses_an_alias_for_a_key" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.kms_key_arn]
}

run "refuses_an_alarm_address_that_is_no_address" {
  command = plan

  variables {
    alarm_emails = ["oncall"]
  }

  expect_failures = [var.alarm_emails]
}
