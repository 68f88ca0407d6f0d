# Kesher: `make demo` and `make test` are all the set-up a fresh machine needs (Python 3.11).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
# Set to a PostgreSQL URL to run the suite a second time on PostgreSQL (CI does).
KESHER_TEST_POSTGRES_URL ?=

.PHONY: demo install install-dev messages lint format test test-sqlite test-postgres bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP)

install: $(STAMP) messages

install-dev: $(DEV_STAMP) messages

# Compiles only catalogues whose .po is newer than their .mo; needs polib, hence the install.
messages: | $(STAMP)
	$(BIN)/python -m kesher.i18n compile

demo: install
	$(BIN)/kesher demo --host $(HOST) --port $(PORT)

lint: install-dev
	@echo "===== lint: ruff, mypy, djLint ====="
	$(BIN)/ruff format --check kesher tests benchmarks docs
	$(BIN)/ruff check kesher tests benchmarks docs
	$(BIN)/mypy kesher
	$(BIN)/djlint --check --lint kesher/templates

format: install-dev
	$(BIN)/ruff format kesher tests benchmarks docs
	$(BIN)/ruff check --fix kesher tests benchmarks docs
	$(BIN)/djlint --reformat kesher/templates

# Two workers, one per core; each gets its own test database (in-memory SQLite, or
# test_kesher_gw0/gw1 on PostgreSQL). loadgroup keeps the browser tests on one worker.
test-sqlite: install-dev
	@echo "===== pytest on SQLite (in memory) ====="
	KESHER_DATABASE_URL= $(BIN)/pytest -n 2 --dist loadgroup

test-postgres: install-dev
	@echo "===== pytest on PostgreSQL ====="
	KESHER_DATABASE_URL=$(KESHER_TEST_POSTGRES_URL) $(BIN)/pytest -n 2 --dist loadgroup

test: lint test-sqlite
ifneq ($(strip $(KESHER_TEST_POSTGRES_URL)),)
	$(MAKE) test-postgres
endif

bench: install-dev
	$(BIN)/python -m benchmarks.web --people 100000

# The user guide's pictures (docs/images/), from a fresh demo; needs Debian's chromium.
screenshots: install-dev
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
