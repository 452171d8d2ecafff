"""The payments service: charges and refunds through the payment provider, one payment per order."""
