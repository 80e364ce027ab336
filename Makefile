# ALS Space. `make run` serves the demo; `make test` runs every test. Needs Python 3.11+ and make.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Touched after each install, so a newer requirements.txt triggers the next one.
INSTALLED := $(VENV)/.requirements-installed
KEY_FILE := .local/journal.key
ADDRESS := 127.0.0.1:8000
PYTEST_ARGS ?=

# The development journal key, unless JOURNAL_KEYS is already set in the environment.
USE_JOURNAL_KEY = export JOURNAL_KEYS="$${JOURNAL_KEYS:-$$(cat $(KEY_FILE))}"

.DEFAULT_GOAL := help
.PHONY: help install run test lint format typecheck layers check-deploy bench messages

help:
	@echo "make run           install, migrate, load the demo data and serve it on http://$(ADDRESS)/"
	@echo "make test          run the whole test suite (PYTEST_ARGS='...' passes options to pytest)"
	@echo "make lint          ruff check and ruff format --check"
	@echo "make format        fix what ruff can and format the code"
	@echo "make typecheck     mypy with django-stubs (strict for services, rules, queries, signals)"
	@echo "make layers        the import contract: (reflections | api) -> sessions -> sets -> alsspace"
	@echo "make check-deploy  Django's deployment checks with production-like settings"
	@echo "make install       create .venv and install requirements.txt"
	@echo "make messages      extract every marked string into locale/cy and compile the catalogues"
	@echo "make bench         page latency, load and export benchmark on PostgreSQL (BENCH_ARGS=--quick)"

install: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --require-virtualenv \
		-r requirements.txt
	touch $@

$(KEY_FILE): | $(INSTALLED)
	mkdir -p $(dir $@)
	$(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > $@
	chmod 600 $@
	@echo "Generated a development journal key in $@ (ignored by git). Keep it: it decrypts"
	@echo "the journal entries in your local database."

# The task worker and the reminder sweep run beside the server and stop with it (Ctrl-C).
# The worker's fixed id lets it take back at once, when it starts, a task it was killed in.
run: $(INSTALLED) $(KEY_FILE)
	@$(USE_JOURNAL_KEY); \
	set -e; \
	$(MANAGE) migrate --no-input; \
	$(MANAGE) seed_demo; \
	echo; \
	echo "ALS Space is starting at http://$(ADDRESS)/ - sign in with an account above."; \
	echo "Emails (invitations, password resets) are printed here. Ctrl-C stops the server."; \
	echo; \
	$(MANAGE) db_worker --worker-id make-run & worker=$$!; \
	$(MANAGE) send_reminders --every 15 & reminders=$$!; \
	trap 'kill $$worker $$reminders 2>/dev/null; wait $$worker $$reminders 2>/dev/null' EXIT; \
	$(MANAGE) runserver $(ADDRESS)

# The identity providers the single sign-on tests run (tests/idp), from the committed lock
# file. Without npm they are not installed, and those tests skip with the reason (fail in CI).
IDP_DIR := tests/idp
IDP_INSTALLED := $(IDP_DIR)/node_modules/.installed

$(IDP_INSTALLED): $(IDP_DIR)/package.json $(IDP_DIR)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(IDP_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the single sign-on tests will be skipped (apt-get install nodejs npm)"; \
	fi

# -rfEs: the summary names failures, errors and skips with their reasons.
test: $(INSTALLED) $(KEY_FILE) $(IDP_INSTALLED)
	@$(USE_JOURNAL_KEY); $(BIN)/pytest -rfEs $(PYTEST_ARGS)

# The Welsh catalogues (docs/languages.md): every marked string from the code, templates and
# scripts into locale/cy/LC_MESSAGES/*.po (translate the new ones there), then compiled to
# .mo, which are committed so that the app runs without gettext. Needs GNU gettext.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=node_modules --ignore=staticfiles \
	--ignore=bench --ignore=docs --ignore=static/vendor
messages: $(INSTALLED)
	$(MANAGE) makemessages --locale cy --no-obsolete $(MESSAGES_IGNORE)
	$(MANAGE) makemessages --domain djangojs --locale cy --no-obsolete $(MESSAGES_IGNORE)
	$(MANAGE) compilemessages --locale cy --ignore=.venv --ignore=tests --ignore=node_modules

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The configuration, and which modules are strict, is in pyproject.toml.
typecheck: $(INSTALLED)
	$(BIN)/mypy

# The contract is in pyproject.toml ([tool.importlinter]); tests/test_layers.py checks templates.
layers: $(INSTALLED)
	$(BIN)/lint-imports

# Fresh production secrets for each check: the point is the settings, not the values.
check-deploy: $(INSTALLED)
	DEBUG=False \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	JOURNAL_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	ALLOWED_HOSTS=example.org \
	$(MANAGE) check --deploy --fail-level WARNING

# Needs PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/alsspace_bench.
BENCH_ARGS ?=
bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
