stage                  = "dev"
region                 = "eu-west-1"
log_retention_days     = 14
deletion_protection    = false
throttling_burst_limit = 50
throttling_rate_limit  = 20
# dev sells nothing: the sandbox provider may approve test tokens there (or payment_provider =
# "stripe" with a test-mode key). The full acceptance suite runs here (stage.yml).
allow_sandbox_payments = true
notification_emails    = []
