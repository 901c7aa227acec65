# Gatehouse — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help demo test lint serve env install install-dev messages clean

help:
	@echo "make demo  - install, migrate SQLite, load the demo site, serve http://$(HOST):$(PORT)"
	@echo "make test  - install and run the whole suite (lint, checks, tests)"

$(VENV)/.created:
	@python=$$(scripts/find-python.sh) || exit 1; \
	echo "using $$python ($$($$python --version))"; \
	$$python -m venv $(VENV) && touch $@

$(VENV)/.runtime: requirements.txt $(VENV)/.created
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

env: .env
	@$(PY) scripts/make-env.py .env  # adds a key a later version requires to an existing .env
.env: $(VENV)/.created
	@$(PY) scripts/make-env.py .env

messages: $(VENV)/.runtime
	@$(PY) manage.py compilemessages_py

demo: install env messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py demo_logins
	@echo "Serving Gatehouse on http://$(HOST):$(PORT)/ with the device and export workers, the scheduler and the task worker (Ctrl-C stops all)"
	@$(PY) manage.py device_worker & worker=$$!; \
	$(PY) manage.py export_worker & exports=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	$(PY) manage.py run_tasks & tasks=$$!; \
	trap 'kill $$worker $$exports $$scheduler $$tasks 2>/dev/null; wait $$worker $$exports $$scheduler $$tasks 2>/dev/null' EXIT; \
	$(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers 2 --blocking-threads 2 --log-level warning gatehouse.wsgi:application

test: install-dev env messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var staticfiles
