# The integration events topic (every service's events, relayed from the
# outboxes) and the customer notifications topic, both KMS encrypted.

resource "aws_sns_topic" "events" {
  name              = "${var.name_prefix}-${var.events_topic}"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic" "notifications" {
  name              = "${var.name_prefix}-${var.notifications_topic}"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# Who receives the customer notifications differs per environment (a support inbox,
# a mailer's address); each address confirms its subscription by e-mail.
resource "aws_sns_topic_subscription" "notification_email" {
  for_each = toset(var.notification_emails)

  topic_arn = aws_sns_topic.notifications.arn
  protocol  = "email"
  endpoint  = each.value
}
