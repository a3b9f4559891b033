# The two commands a fresh clone needs: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAGE  ?= dev
# Override the stage's packaging settings (.chalice/config.json): ARCH=arm64, SNAPSTART=1 (python3.12+ runtime).
PACKAGE_FLAGS := $(if $(ARCH),--architecture $(ARCH)) $(if $(SNAPSTART),--snapstart)
export PYTHONPATH := $(CURDIR):$(CURDIR)/layers

CHECKOV_VENV := .venv-checkov

.PHONY: run test lint format bench package deploy clean checkov fuzz soak console chromium

# The operators' console (console/, docs/console.md): npm ci from the lockfile, the API types generated from the
# app's own OpenAPI document, vite build into console/dist (git-ignored). `make run` builds it when missing.
CONSOLE_SOURCES := $(shell find console/src console/index.html console/vite.config.ts -type f 2>/dev/null)
console/dist/index.html: console/package-lock.json $(CONSOLE_SOURCES) | $(VENV)/.installed
	$(BIN)/python -m infra.console build

console: $(VENV)/.installed ## build the console (with the type check)
	$(BIN)/python -m infra.console build --typecheck

chromium: ## Debian's headless Chromium for the console's browser tests (skipped when /usr/bin/chromium exists)
	@bash tools/chromium.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

run: $(VENV)/.installed console/dist/index.html ## start the local stack on 127.0.0.1:$(PORT), console at /admin/
	$(BIN)/python -m infra.local --port $(PORT)

# checkov has its own venv: its dependency pins (boto3, pydantic, …) are not the product's.
$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q 'checkov>=3.2,<4'
	touch $@

test: $(VENV)/.installed $(CHECKOV_VENV)/.installed chromium ## lint, then the whole suite (browser tests too)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2 --dist loadgroup --durations=30

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: package ## cold start and size of the packages; DynamoDB calls, items read and latency per endpoint
	$(BIN)/python -m bench.cold_start --build build
	if [ -f bench/run.py ]; then $(BIN)/python -m bench.run; fi

package: $(VENV)/.installed ## build/template.json, build/app.zip, build/layer.zip, console/dist for STAGE; no AWS account needed
	$(BIN)/python -m infra.console build
	$(BIN)/python -m infra.package --stage $(STAGE) --out build $(PACKAGE_FLAGS)
	$(BIN)/cfn-lint build/template.json

# Needs the AWS CLI v2, credentials for the target account, and DEPLOY_BUCKET (docs/deploy.md).
deploy: package ## STAGE=dev|prod DEPLOY_BUCKET=…: upload the packages, then create or update stack jiazheng-$(STAGE)
	@test -n "$(DEPLOY_BUCKET)" || { echo "set DEPLOY_BUCKET to an S3 bucket in the target region"; exit 2; }
	aws cloudformation package --template-file build/template.json --s3-bucket $(DEPLOY_BUCKET) \
	  --s3-prefix jiazheng/$(STAGE) --output-template-file build/packaged.yaml
	aws cloudformation deploy --template-file build/packaged.yaml --stack-name jiazheng-$(STAGE) \
	  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset
	@# the console's assets under admin/ in the stack's console bucket (served by CloudFront at /admin/)
	bucket=$$(aws cloudformation describe-stacks --stack-name jiazheng-$(STAGE) --output text \
	  --query "Stacks[0].Outputs[?OutputKey=='ConsoleBucketName'].OutputValue"); \
	aws s3 sync console/dist/assets "s3://$$bucket/admin/assets" --cache-control "public, max-age=31536000, immutable"; \
	aws s3 sync console/dist "s3://$$bucket/admin" --delete --cache-control "no-cache"

checkov: package $(CHECKOV_VENV)/.installed ## scan build/template.json (skips carry their reasons)
	$(CHECKOV_VENV)/bin/checkov -f build/template.json --framework cloudformation --compact

fuzz: $(VENV)/.installed ## schemathesis against a local stack, as customer, worker and operator (long)
	$(BIN)/python -m tests.fuzz.run --examples 100 --max-time 900

soak: $(VENV)/.installed ## 1,000 orders through every lifecycle path on a local stack, then the invariants (long)
	E2E_STARTUP_LIMIT_S=$${E2E_STARTUP_LIMIT_S:-300} $(BIN)/python -m tests.soak --orders $(or $(ORDERS),1000)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) build .pytest_cache .ruff_cache console/dist console/node_modules
