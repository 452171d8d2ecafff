stage                  = "prod"
region                 = "eu-west-1"
log_retention_days     = 365
deletion_protection    = true
throttling_burst_limit = 500
throttling_rate_limit  = 200
alarm_emails           = []
notification_emails    = []

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
