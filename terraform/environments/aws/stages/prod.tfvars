stage                  = "prod"
region                 = "eu-west-1"
log_retention_days     = 365
deletion_protection    = true
throttling_burst_limit = 500
throttling_rate_limit  = 200
# Real money: Stripe in live mode (the sandbox is refused here). alarm_emails, edge_protection
# and ses_email_identity_arn come from the repository variables ALARM_EMAILS_PROD,
# EDGE_PROTECTION_PROD and SES_EMAIL_IDENTITY_ARN_PROD (TF_VAR_... in plan.yml); plan fails
# without any of them (docs/operations.md).
payment_provider    = "stripe"
notification_emails = []
# Order mails only to addresses their customer verified: mail to any address typed at sign-up
# would make the shop's sender a spam source.
notify_verified_only = true

# Reserved concurrency: the budget of docs/decisions/0009-concurrency-budget.md. 765 of the
# account's 1,000 (raise the quota first if it is lower); the checkout path gets the most.
# The outbox relay: one execution per stream shard, 5 tables.
relay_reserved_concurrency = 20

functions = {
  orders = {
    http   = { memory_size = 1024, reserved_concurrency = 200 }
    events = { reserved_concurrency = 20, maximum_concurrency = 20 }
  }
  catalog = {
    http   = { memory_size = 1024, reserved_concurrency = 200 }
    events = { reserved_concurrency = 20, maximum_concurrency = 20 }
  }
  cart = {
    http   = { reserved_concurrency = 150 }
    events = { reserved_concurrency = 10, maximum_concurrency = 10 }
  }
  payments = {
    http   = { reserved_concurrency = 30 }
    events = { reserved_concurrency = 20, maximum_concurrency = 20 }
  }
  users = {
    http   = { reserved_concurrency = 50 }
    events = { reserved_concurrency = 10, maximum_concurrency = 10 }
  }
  analytics = {
    http   = { reserved_concurrency = 10 }
    events = { reserved_concurrency = 5, maximum_concurrency = 5 }
  }
  meta = {
    http = { reserved_concurrency = 20 }
  }
}
