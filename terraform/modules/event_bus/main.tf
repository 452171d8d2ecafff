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
