# The two commands a fresh clone needs: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAGE  ?= dev
export PYTHONPATH := $(CURDIR):$(CURDIR)/layers

.PHONY: run test lint format bench package deploy clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

run: $(VENV)/.installed ## start the local stack on 127.0.0.1:$(PORT)
	$(BIN)/python -m infra.local --port $(PORT)

test: $(VENV)/.installed ## lint, then the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed ## DynamoDB calls, items read and latency per endpoint at two table sizes
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
