stage                  = "prod"
region                 = "eu-west-1"
log_retention_days     = 365
deletion_protection    = true
throttling_burst_limit = 500
throttling_rate_limit  = 200
# Real money: Stripe in live mode (the sandbox is refused here). alarm_emails comes from the prod
# GitHub environment's ALARM_EMAILS variable (TF_VAR_alarm_emails in stage.yml); plan fails without it.
payment_provider    = "stripe"
notification_emails = []

functions = {
  orders = {
    http   = { memory_size = 1024 }
    events = { maximum_concurrency = 20 }
  }
  catalog = {
    http   = { memory_size = 1024 }
    events = { maximum_concurrency = 20 }
  }
}
