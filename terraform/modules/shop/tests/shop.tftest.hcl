# The shop's wiring from resources.json, planned with the real provider against the embedded
# emulator: it calls modules/secrets, whose ephemeral random password mock_provider cannot mock
# before Terraform 1.12 (hashicorp/terraform#38608). Plans only: nothing is created. Run by
# tests/terraform/test_module_tests.py, which starts the emulator, sends every API call to it
# with AWS_ENDPOINT_URL (Terraform 1.11 gives a test file's provider block no -var value) and
# puts resources.json and the zips where the repository has them (by hand: `make package`,
# then AWS_ENDPOINT_URL=<a running emulator> terraform test; never without that variable, or
# the plan asks AWS). What lives inside the small modules (SSE and PITR of each table, each
# alarm) is asserted by their own tests; here, that the shop calls them once per resources.json
# entry.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

variables {
  resources              = jsondecode(file("../../../src/shop/resources.json"))
  stage                  = "test"
  name_prefix            = "shop-test"
  artifacts_dir          = "../../../dist"
  allow_sandbox_payments = true
}

run "one_function_pair_per_service" {
  command = plan

  assert {
    condition     = keys(module.service) == keys(var.resources.services)
    error_message = "One service module per resources.json service."
  }

  assert {
    condition     = alltrue([for name, svc in module.service : svc.http_function_name == "shop-test-${name}-http"])
    error_message = "Every service has its HTTP function, <name_prefix>-<service>-http."
  }

  assert {
    condition = alltrue([
      for name, svc in var.resources.services :
      module.service[name].events_function_name == (length(try(svc.consumes, [])) > 0 ? "shop-test-${name}-events" : null)
    ])
    error_message = "An events function exactly for the services that consume events."
  }

  assert {
    condition     = module.outbox_relay.function_name == "shop-test-outbox-relay"
    error_message = "One outbox relay."
  }
}

run "tables_and_queues_per_resources_json" {
  command = plan

  assert {
    condition     = output.table_names == { for name, svc in var.resources.services : name => "shop-test-${name}" if try(svc.table, null) != null }
    error_message = "A table, <name_prefix>-<service>, for each service with a table and no other."
  }

  assert {
    condition     = { for name, q in module.queue : name => q.name } == { for name, svc in var.resources.services : name => "shop-test-${name}" if length(try(svc.consumes, [])) > 0 }
    error_message = "A queue for each consuming service."
  }
}

run "every_route_and_the_monitoring" {
  command = plan

  assert {
    condition     = toset(values(module.http_api.route_keys)) == toset(flatten([for svc in values(var.resources.services) : [for r in svc.routes : "${r.method} ${r.path}"]]))
    error_message = "One API route per resources.json route."
  }

  assert {
    condition     = output.dashboard_name == "shop-test"
    error_message = "The dashboard of the alarms, named after the prefix."
  }
}

run "the_sandbox_has_no_stripe_secret" {
  command = plan

  assert {
    condition     = output.stripe_secret_arn == null && output.replica_of == null
    error_message = "No Stripe secret with the sandbox; nothing to replicate in a single region."
  }
}

run "refuses_an_outbox_table_without_a_stream" {
  command = plan

  variables {
    resources = merge(jsondecode(file("../../../src/shop/resources.json")), {
      outbox_relay = { handler = "shop.platform.outbox_relay.handler", tables = ["analytics"] }
    })
  }

  expect_failures = [var.resources]
}

run "refuses_the_sandbox_unless_allowed" {
  command = plan

  variables {
    allow_sandbox_payments = false
  }

  expect_failures = [var.payment_provider]
}

run "refuses_prod_without_deletion_protection" {
  command = plan

  variables {
    stage = "prod"
  }

  expect_failures = [var.deletion_protection]
}

run "refuses_a_replica_outside_the_primary" {
  command = plan

  variables {
    replica = { region = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/t", secrets_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/s" }
  }

  expect_failures = [var.replica]
}
