# The user pool's contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py. The password policy's agreement with the users
# model and the OpenAPI document is tests/terraform/test_identity.py's.

mock_provider "aws" {}

variables {
  name = "shop-test"
}

run "a_pool_named_as_given_with_verified_addresses_and_optional_totp" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool.this.name == "shop-test" && aws_cognito_user_pool_client.this.name == "shop-test-api" && aws_cognito_user_group.admin.name == "admin"
    error_message = "The pool is named as given, its client <name>-api, the administrators' group admin."
  }

  assert {
    condition = (
      aws_cognito_user_pool.this.username_attributes == toset(["email"]) &&
      aws_cognito_user_pool.this.auto_verified_attributes == toset(["email"]) &&
      aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL" &&
      aws_cognito_user_pool.this.software_token_mfa_configuration[0].enabled &&
      [for r in aws_cognito_user_pool.this.account_recovery_setting[0].recovery_mechanism : r.name] == ["verified_email"]
    )
    error_message = "E-mail is the user name and is verified; TOTP optional; resets go to the verified address only."
  }

  assert {
    condition = (
      aws_cognito_user_pool.this.password_policy[0].minimum_length == 8 &&
      aws_cognito_user_pool.this.password_policy[0].require_numbers &&
      aws_cognito_user_pool.this.deletion_protection == "INACTIVE" &&
      aws_cognito_user_pool.this.email_configuration[0].email_sending_account == "COGNITO_DEFAULT" &&
      length(aws_cognito_user_pool.this.user_pool_add_ons) == 0
    )
    error_message = "At least 8 characters with digits; no deletion protection, Cognito's sender, no threat protection by default."
  }
}

run "a_public_client_with_password_and_refresh_flows_and_short_lived_tokens" {
  command = plan

  assert {
    condition = (
      !aws_cognito_user_pool_client.this.generate_secret &&
      aws_cognito_user_pool_client.this.explicit_auth_flows == toset(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]) &&
      aws_cognito_user_pool_client.this.prevent_user_existence_errors == "ENABLED" &&
      aws_cognito_user_pool_client.this.enable_token_revocation
    )
    error_message = "No client secret, the two flows the users service calls, no user enumeration, revocable refresh tokens."
  }

  assert {
    condition = (
      aws_cognito_user_pool_client.this.access_token_validity == 15 &&
      aws_cognito_user_pool_client.this.id_token_validity == 15 &&
      aws_cognito_user_pool_client.this.token_validity_units[0].access_token == "minutes" &&
      aws_cognito_user_pool_client.this.refresh_token_validity == 30
    )
    error_message = "Access and ID tokens live 15 minutes (the authorizer does not see revocation), refresh tokens 30 days."
  }
}

run "production_protects_the_pool_sends_through_ses_and_enforces_threat_protection" {
  command = plan

  variables {
    deletion_protection    = true
    ses_email_identity_arn = "arn:aws:ses:eu-west-1:123456789012:identity/shop.example"
    threat_protection      = true
  }

  assert {
    condition = (
      aws_cognito_user_pool.this.deletion_protection == "ACTIVE" &&
      aws_cognito_user_pool.this.email_configuration[0].email_sending_account == "DEVELOPER" &&
      aws_cognito_user_pool.this.email_configuration[0].source_arn == var.ses_email_identity_arn &&
      aws_cognito_user_pool.this.user_pool_tier == "PLUS" &&
      aws_cognito_user_pool.this.user_pool_add_ons[0].advanced_security_mode == "ENFORCED"
    )
    error_message = "Deletion protection, SES as the sender, the Plus plan with threat protection enforced, each when asked."
  }
}

run "refuses_a_password_shorter_than_docs_api_promises" {
  command = plan

  variables {
    password_minimum_length = 6
  }

  expect_failures = [var.password_minimum_length]
}

run "refuses_access_tokens_cognito_refuses" {
  command = plan

  variables {
    access_token_validity_minutes = 2
  }

  expect_failures = [var.access_token_validity_minutes]
}

run "refuses_refresh_tokens_cognito_refuses" {
  command = plan

  variables {
    refresh_token_validity_days = 0
  }

  expect_failures = [var.refresh_token_validity_days]
}
