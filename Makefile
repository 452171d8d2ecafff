# Two commands are the whole set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
REPORTS := .reports
# Each stage leaves a JUnit report; `make test` closes with their sum.
PYTEST_STAGE = $(PYTEST) --junitxml=$(REPORTS)/$@.xml

# Offline rules: no tool may phone home.
export CHECKPOINT_DISABLE := 1
# Terraform's providers come from the filesystem mirror terraform/offline.tfrc names where this
# machine has one (the offline machines and CI), from the registry otherwise; the committed
# lock files pin the version and its hashes either way (tests/terraform/cli.py decides alike).
TF_MIRROR := $(shell sed -n 's/^ *path *= *"\(.*\)"/\1/p' terraform/offline.tfrc)
ifneq ($(wildcard $(TF_MIRROR)/registry.terraform.io/hashicorp/aws),)
export TF_CLI_CONFIG_FILE := $(CURDIR)/terraform/offline.tfrc
endif
export BC_SKIP_MAPPING := TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK := true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install clean-reports run test lint fmt unit integration acceptance smoke terraform-check terraform-slow plan slow chaos redrive bench cost load browser package openapi evaluate-recs mutation clean

help: ## list the targets, then where things live
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'
	@echo
	@echo "  src/shop/<service>/  users catalog cart orders payments analytics (+ meta): domain/ ports.py service.py adapters/ handlers/ container.py"
	@echo "  src/shop/kernel, platform, local   shared values; AWS plumbing; the embedded stack (emulator edge runtime event_sources orchestration test_support)"
	@echo "  src/shop_tools/      the tools behind scripts/;  terraform/  modules and environments;  tests/, features/"
	@echo "  README.md (code map, next steps) and docs/ (api, architecture, conventions, operations, security, testing, performance, decisions)"

$(UV):
	@echo "==> bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	@python3 -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@echo "==> installing the locked dependencies into $(VENV)/"
	@$(UV) sync --frozen --all-groups --quiet
	@touch $@

install: $(VENV)/.synced ## create .venv from uv.lock

# checkov lives in its own venv: its hcl2 fork clashes with python-hcl2 in .venv.
CHECKOV := $(TOOLS)/checkov/bin/checkov
$(CHECKOV): scripts/checkov-requirements.txt | $(UV)
	@echo "==> installing checkov into $(TOOLS)/checkov/"
	@$(UV) venv --quiet --allow-existing $(TOOLS)/checkov
	@$(UV) pip install --quiet --python $(TOOLS)/checkov/bin/python --require-hashes -r $<
	@touch $@

run: install ## start the local stack, seeded, on 127.0.0.1:8080 (flags: make run ARGS="--port 9000 --no-seed")
	$(PY) -m shop.local $(ARGS)

test: install clean-reports lint unit integration terraform-check acceptance slow ## every test (what CI runs)
	@$(PY) scripts/test_summary.py $(REPORTS)

clean-reports:
	@rm -rf $(REPORTS)

lint: install ## ruff, mypy --strict (src/shop and the tools, src/shop_tools), import contracts, duplicate code
	$(VENV)/bin/ruff check src tests features scripts
	$(VENV)/bin/ruff format --check src tests features scripts
	$(VENV)/bin/mypy src scripts tests/unit tests/contract tests/integration
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pylint --disable=all --enable=duplicate-code --score=no src scripts

fmt: install ## format and autofix
	$(VENV)/bin/ruff format src tests features scripts
	$(VENV)/bin/ruff check --fix src tests features scripts

unit: install ## domain and service tests with fakes
	$(PYTEST_STAGE) tests -m "not integration and not slow and not terraform and not acceptance" -q

integration: install ## adapters against moto
	$(PYTEST_STAGE) tests -m "integration and not slow" -q

terraform-check: install $(CHECKOV) ## offline Terraform checks: fmt, get, validate of the environments and the modules' examples (real provider, offline mirror), the modules' terraform test and READMEs, HCL rules, checkov
	$(PYTEST_STAGE) tests/terraform -m "terraform and not slow" -q $(PYTEST_ARGS)

terraform-slow: install ## the Terraform apply tests alone: the system, the edge, bootstrap and the two-region option applied to the emulator, read back, re-planned, destroyed (also in `make slow`)
	$(PYTEST_STAGE) tests/terraform -m "terraform and slow" -q $(PYTEST_ARGS)

ENV ?= aws
STAGE ?= dev
plan: install ## what a deployment of a stage would create, planned offline against the embedded emulator (ENV=aws STAGE=dev|prod)
	$(PY) scripts/plan.py --env $(ENV) --stage $(STAGE)

acceptance: install ## BDD features over HTTP (SHOP_API_URL, or an embedded stack)
	$(PYTEST_STAGE) features tests -m "acceptance and not slow" -q

smoke: install ## The features that take no money (@smoke): the acceptance of a stage that sells for real
	$(PYTEST_STAGE) features -m "smoke and not slow" -q

# The browser tests drive Debian's Chromium headless (a test tool's own browser download is
# not possible offline); installed here when missing, as root, the way CI runs.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "the browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'"; exit 1; fi

browser: $(CHROMIUM) ## install Debian's chromium for the browser tests (when missing)

# The Terraform apply tests mostly wait on the provider's pollers (SQS attributes, CloudFront,
# S3 lifecycle), so they run beside the other slow suites instead of after them.
slow: install $(CHROMIUM) ## the slow suites alone (concurrency, soak, chaos, packaging, browsers; beside them the Terraform apply tests)
	@mkdir -p $(REPORTS)
	@$(PYTEST) --junitxml=$(REPORTS)/terraform-slow.xml tests features -m "terraform and slow" -q \
		> $(REPORTS)/terraform-slow.log 2>&1 & applies=$$!; \
	$(PYTEST_STAGE) tests features -m "slow and not terraform" -q; others=$$?; \
	wait $$applies; applied=$$?; \
	echo "--- the Terraform apply tests (make terraform-slow), run beside them:"; cat $(REPORTS)/terraform-slow.log; \
	exit $$(( others || applied ))

chaos: install ## checkouts under injected faults, invariants checked after the queues drain (also in `make slow`)
	$(PYTEST_STAGE) tests/chaos -m slow -q; status=$$?; cat $(REPORTS)/chaos.txt 2>/dev/null; exit $$status

redrive: install ## move a service's DLQ messages back to its queue (QUEUE=orders; DRY_RUN=1 lists them; PREFIX=shop-dev on AWS)
	$(PY) scripts/redrive.py $(QUEUE) $(if $(DRY_RUN),--dry-run) $(if $(PREFIX),--prefix $(PREFIX)) $(ARGS)

bench: install ## cold-start benchmark, as ratios to a baseline of the same run
	$(PY) scripts/bench.py

cost: install ## what 1,000 orders cost on AWS, the idle floor per stage, a chart (ARGS="--orders 100")
	$(PY) scripts/cost.py $(ARGS)

load: install ## locust load test of an embedded stack, or of SHOP_API_URL (ARGS="--users 50 --duration 60")
	$(PY) scripts/load.py $(ARGS)

package: install ## reproducible Lambda zips in dist/ (PACKAGE_ARGS="--compile-with python3.12" adds bytecode)
	$(PY) scripts/package.py $(PACKAGE_ARGS)

evaluate-recs: install ## offline evaluation of recommendations: hit rate@5 against two baselines (ARGS="--seed 3")
	$(PY) scripts/evaluate_recommendations.py $(ARGS)

mutation: install ## mutation score of every domain module and the kernel against its own unit tests (ARGS="--area kernel"); fails under 90 %
	$(PY) scripts/mutation.py $(ARGS)

openapi: install ## regenerate src/shop/meta/openapi.json from the code
	$(PY) scripts/openapi.py

clean: ## remove build output and caches
	rm -rf dist $(REPORTS) .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
