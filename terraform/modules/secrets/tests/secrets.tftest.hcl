# The secrets' contract, planned with the real provider against the embedded emulator:
# mock_provider cannot mock the cursor key's ephemeral random password before Terraform 1.12
# (hashicorp/terraform#38608); moto answers GetRandomPassword. Plans only: nothing is created.
# Run by tests/terraform/test_module_tests.py, which starts the emulator and sends every API
# call to it with AWS_ENDPOINT_URL (Terraform 1.11 gives a test file's provider block no -var
# value); never run it without that variable, or the plan asks AWS.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

variables {
  name_prefix = "shop-test"
}

run "named_under_the_prefix_and_encrypted_with_a_key_of_their_own" {
  command = plan

  assert {
    condition     = aws_secretsmanager_secret.cursor.name == "shop-test/cursor-key"
    error_message = "The cursor key is <name_prefix>/cursor-key."
  }

  assert {
    condition     = module.key.alias_name == "alias/shop-test-secrets"
    error_message = "The secrets' own key, aliased <name_prefix>-secrets (not the system key)."
  }

  assert {
    condition     = aws_secretsmanager_secret.cursor.recovery_window_in_days == 7
    error_message = "A week to restore a deleted secret."
  }

  assert {
    condition     = output.replica_arns == null
    error_message = "No replica unless asked."
  }
}

run "the_cursor_key_is_written_write_only" {
  command = plan

  assert {
    condition     = aws_secretsmanager_secret_version.cursor.secret_string_wo == null && aws_secretsmanager_secret_version.cursor.secret_string == null
    error_message = "The cursor key's value is in neither the plan nor the state."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.cursor.secret_string_wo_version == 1
    error_message = "Version 1 of the key until cursor_key_version is bumped."
  }
}

run "no_stripe_secret_with_the_sandbox" {
  command = plan

  assert {
    condition     = length(aws_secretsmanager_secret.stripe) == 0 && output.stripe_secret_arn == null
    error_message = "The sandbox provider needs no secret."
  }
}

run "an_empty_stripe_secret_with_stripe" {
  command = plan

  variables {
    payment_provider = "stripe"
  }

  assert {
    condition     = one(aws_secretsmanager_secret.stripe).name == "shop-test/stripe-api-key"
    error_message = "One Stripe secret, <name_prefix>/stripe-api-key (its value is put out of band)."
  }
}

run "both_secrets_replicate_with_the_other_regions_key" {
  command = plan

  variables {
    payment_provider = "stripe"
    replica          = { region = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/secrets" }
  }

  assert {
    condition = alltrue([
      for secret in [aws_secretsmanager_secret.cursor, one(aws_secretsmanager_secret.stripe)] :
      [for r in secret.replica : [r.region, r.kms_key_id]] == [["eu-central-1", "arn:aws:kms:eu-central-1:123456789012:key/secrets"]]
    ])
    error_message = "Each secret has one replica, in the given region, encrypted with the given key."
  }
}

run "a_bumped_version_draws_a_new_key" {
  command = plan

  variables {
    cursor_key_version = 2
  }

  assert {
    condition     = aws_secretsmanager_secret_version.cursor.secret_string_wo_version == 2
    error_message = "cursor_key_version is the write-only value's version."
  }
}

run "refuses_an_unknown_payment_provider" {
  command = plan

  variables {
    payment_provider = "paypal"
  }

  expect_failures = [var.payment_provider]
}

run "refuses_a_recovery_window_secrets_manager_does_not_accept" {
  command = plan

  variables {
    recovery_window_in_days = 3
  }

  expect_failures = [var.recovery_window_in_days]
}
