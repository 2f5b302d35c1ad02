# AIMS developer entry points. `make run` starts the embedded default, `make test` runs the
# test suite. Both create and reuse a virtualenv in .venv; dependencies are (re)installed
# only when a lock file is newer than the stamp recorded by the last install.

SHELL := /bin/sh
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
PYTEST_ARGS ?=

RUNTIME_STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help venv venv-dev run test fuzz lint fmt migrations-check schema clean

help:
	@echo "make run               start AIMS with the embedded default at http://localhost:$(PORT)/"
	@echo "make test              run the test suite (PYTEST_ARGS=... to pass arguments to pytest)"
	@echo "make fuzz              fuzz the API against its OpenAPI schema (FUZZ_ARGS=--examples 50)"
	@echo "make lint | fmt        ruff check + format check + layers contract | apply ruff fixes and formatting"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make schema            write and validate the OpenAPI schema (var/openapi.yaml)"
	@echo "make venv | venv-dev   create .venv with the runtime | runtime + dev dependencies"
	@echo "make clean             remove .venv, caches and generated files under var/"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "AIMS needs Python >= 3.11 as '$(PYTHON)' (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
		echo "Creating the virtualenv failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; \
		rm -rf $(VENV); exit 1; }

# Runtime dependencies, for `make run`.
$(RUNTIME_STAMP): requirements.lock | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock
	@touch $@

# Runtime + dev dependencies, for `make test` and the checks.
$(DEV_STAMP): requirements-dev.lock | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.lock
	@touch $@

venv: $(RUNTIME_STAMP)

venv-dev: $(DEV_STAMP)

run: venv
	PY=$(PY) PORT=$(PORT) $(SHELL) scripts/run.sh

# Checks that only load the code need a signing key (DEBUG off refuses to start without
# one); they get a throwaway key unless SECRET_KEY is set.
TOOL_ENV = SECRET_KEY="$${SECRET_KEY:-make-target-only-not-a-secret}"

# DATABASE_URL / REDIS_URL are used from the environment when set (real Postgres/Redis);
# otherwise the tests run on the embedded default (SQLite, filesystem broker).
test: venv-dev
	$(BIN)/pytest $(PYTEST_ARGS)

# Schemathesis against /api/schema/ through the WSGI app: no 5xx, documented statuses and
# bodies only (scripts/api_fuzz.py; docs/api.md "Contract tests").
FUZZ_ARGS ?=
fuzz: venv-dev
	$(PY) scripts/api_fuzz.py $(FUZZ_ARGS)

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: venv-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: venv-dev
	$(TOOL_ENV) $(PY) manage.py makemigrations --check --dry-run

schema: venv-dev
	@mkdir -p var
	$(TOOL_ENV) $(PY) manage.py spectacular --file var/openapi.yaml --validate --fail-on-warn
	$(BIN)/openapi-spec-validator var/openapi.yaml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache test-artifacts var/openapi.yaml var/staticfiles var/demo-logins.txt
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
