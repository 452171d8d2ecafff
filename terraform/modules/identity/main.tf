# Cognito: the user pool (e-mail as user name), the public app client the
# users service calls with USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH, and the
# `admin` group whose members may call admin routes.
#
# Sign-up: the users service creates each account with AdminCreateUser (no
# invitation message) and sets the customer's password at once, so a user can log
# in immediately as docs/api.md promises; Cognito then mails a 6-digit code
# (GetUserAttributeVerificationCode) that verifies the address. Verified e-mail is
# what ForgotPassword sends reset codes to (account_recovery_setting). Cognito's own
# SignUp is refused (allow_admin_create_user_only): the client id is public, and a
# sign-up through it would skip the users service (no profile, no throttling).
#
# Sender: Cognito's default sender allows only a few dozen e-mails a day; a
# production stage sets `ses_email_identity_arn` (a verified SES identity) so
# codes go through SES.
#
# Password policy, stated once: at least 8 characters with letters and digits.
# The users service's model holds it (MIN_PASSWORD_LENGTH, and the "letters" rule
# Cognito cannot express: it knows only lowercase or uppercase), the OpenAPI
# document is generated from that model, and this pool requires the same length
# and digits (`password_minimum_length`, checked against the model by
# tests/terraform/test_identity.py).
#
# MFA: OPTIONAL with software (TOTP) tokens: a customer may enrol; the shop's
# login route does not yet answer the SOFTWARE_TOKEN_MFA challenge, so until it
# does, an enrolled customer cannot log in through the API (docs/security.md).
#
# Threat protection (compromised credentials, adaptive authentication) needs the
# Plus feature plan, billed per monthly active user (about 0.02 USD per MAU on
# top of Essentials, 2025 prices): `threat_protection = true` turns both on.

resource "aws_cognito_user_pool" "this" {
  name                     = var.name
  username_attributes      = ["email"]
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration        = "OPTIONAL"
  auto_verified_attributes = ["email"]
  # null: the tier AWS gives a new pool (Essentials); set only when Plus is asked for
  user_pool_tier = var.threat_protection ? "PLUS" : null

  software_token_mfa_configuration {
    enabled = true
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
    email_subject        = "Your verification code"
    email_message        = "Your verification code is {####}."
  }

  email_configuration {
    email_sending_account = var.ses_email_identity_arn == null ? "COGNITO_DEFAULT" : "DEVELOPER"
    source_arn            = var.ses_email_identity_arn
    from_email_address    = var.ses_from_address
  }

  dynamic "user_pool_add_ons" {
    for_each = var.threat_protection ? [1] : []
    content {
      advanced_security_mode = "ENFORCED"
    }
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_numbers                  = true
    require_lowercase                = false
    require_uppercase                = false
    require_symbols                  = false
    temporary_password_validity_days = 7
  }

  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  # A changed address takes effect only once its code is verified: until then the old
  # one stays the sign-in name and the one reset codes go to (see the client's
  # write_attributes for why a token may change it at all).
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  schema {
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true

    string_attribute_constraints {
      min_length = 3
      max_length = 254
    }
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_client" "this" {
  name                          = "${var.name}-api"
  user_pool_id                  = aws_cognito_user_pool.this.id
  generate_secret               = false
  explicit_auth_flows           = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  # What a user's own access token may write (UpdateUserAttributes) and read (GetUser,
  # the ID token's claims). The users service writes attributes only through the admin
  # API, which these lists do not limit; left unset, a token could write every standard
  # attribute. Cognito refuses a client that cannot write a required attribute, so
  # e-mail (required: the user name) is the smallest list it accepts; the pool's
  # user_attribute_update_settings holds a change back until the new address is verified.
  write_attributes = ["email"]
  read_attributes  = ["email", "email_verified", "name"]

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.access_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

resource "aws_cognito_user_group" "admin" {
  name         = var.admin_group_name
  user_pool_id = aws_cognito_user_pool.this.id
  description  = "Shop administrators: may call the admin routes (the gateway checks the JWT, the handlers check this group in cognito:groups)."
}
