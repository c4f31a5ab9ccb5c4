# Lan Tỏa — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PORT ?= 8000
# The first Python >= 3.12 found: on PATH, then under pyenv, then Debian's.
PY_CANDIDATES := python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[3-9]*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) $(wildcard /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9])
PYTHON ?= $(shell for p in $(PY_CANDIDATES); do $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
PY := $(VENV)/bin/python
PIP_FLAGS := --disable-pip-version-check --require-hashes --no-deps -q

.PHONY: run test check lint messages setup clean-venv

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON)" ]; then echo "Lan Tỏa needs Python >= 3.12 (python3.12 or python3.13); none found." >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.lock | $(VENV)/bin/activate
	$(PY) -m pip install $(PIP_FLAGS) -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(VENV)/bin/activate
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.lock
	@touch $@ $(VENV)/.installed-run

setup: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_defaults
	@if [ "$(DEMO)" = "1" ]; then $(PY) manage.py load_demo; else echo "Demo data for 2022-2025, a demo 2026-2030 plan and 2026 records up to today: make run DEMO=1 (remove with: $(PY) manage.py load_demo --remove)"; fi

# The product on SQLite with the default plan: web server, task worker and scheduler.
run: setup
	PORT=$(PORT) $(PY) manage.py serve --port $(PORT)

# Code checks, then the test suite on SQLite and on a throw-away PostgreSQL (SKIP_POSTGRES=1 skips it;
# DATABASE_URL=… uses an existing one). Extra pytest arguments: make test ARGS="-k plan".
test: $(VENV)/.installed-dev
	@bash scripts/test.sh $(ARGS)

check: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_messages.py

messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l vi --no-location --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py makemessages -l en --no-location --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean-venv:
	rm -rf $(VENV)
