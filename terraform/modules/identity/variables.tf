variable "name" {
  description = "Name of the user pool (e.g. `shop-dev`)."
  type        = string
}

variable "password_minimum_length" {
  description = "Minimum password length (docs/api.md: at least 8)."
  type        = number
  default     = 8

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99
    error_message = "docs/api.md asks for at least 8 characters; Cognito allows up to 99."
  }
}

variable "admin_group_name" {
  description = "Name of the Cognito group of administrators (the handlers look for it in cognito:groups)."
  type        = string
  default     = "admin"
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access and ID tokens in minutes. A signed-out access token works until it expires (the JWT authorizer does not see revocation), so keep it short."
  type        = number
  default     = 15

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440
    error_message = "Cognito accepts 5 minutes to 1 day."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens in days."
  type        = number
  default     = 30

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "Cognito accepts 1 to 3650 days."
  }
}

variable "deletion_protection" {
  description = "Protect the user pool against deletion (turn on in production)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the user pool."
  type        = map(string)
  default     = {}
}

variable "ses_email_identity_arn" {
  description = "ARN of a verified SES identity Cognito sends its e-mails (codes) through; null = Cognito's default sender, limited to a few dozen e-mails a day (set it in production)."
  type        = string
  default     = null
}

variable "ses_from_address" {
  description = "From address of Cognito's e-mails when sent through SES (e.g. `Shop <no-reply@example.com>`); null = the identity's address."
  type        = string
  default     = null
}

variable "threat_protection" {
  description = "Cognito threat protection (compromised credentials, adaptive authentication) in enforced mode. Needs the Plus feature plan: extra cost per monthly active user."
  type        = bool
  default     = false
}
