# Cognito: the user pool (e-mail as user name), the public app client the
# users service calls with USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH, and the
# `admin` group whose members may call admin routes.
#
# Sign-up confirmation: the users service confirms every new account itself
# (AdminConfirmSignUp right after SignUp), so a user can log in immediately as
# docs/api.md promises. No pre-sign-up Lambda trigger is needed, and no e-mail is
# sent (e-mail verification stays off unless a deployment turns it on).
#
# Password policy: docs/api.md asks for at least 8 characters with letters and
# digits. Cognito can require digits but only "lowercase" or "uppercase"
# letters, not "any letter", so the pool requires length + digits and the
# users service validates the "letters" rule before calling Cognito.

resource "aws_cognito_user_pool" "this" {
  name                     = var.name
  username_attributes      = ["email"]
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration        = "OFF"
  auto_verified_attributes = []

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_numbers                  = true
    require_lowercase                = false
    require_uppercase                = false
    require_symbols                  = false
    temporary_password_validity_days = 7
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
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
