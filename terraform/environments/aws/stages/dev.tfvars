stage                  = "dev"
region                 = "eu-west-1"
log_retention_days     = 14
deletion_protection    = false
throttling_burst_limit = 50
throttling_rate_limit  = 20
alarm_emails           = []
notification_emails    = []
