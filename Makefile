# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
# Worker processes and threads of the app server; threads serve concurrent streams.
WEB_WORKERS ?= 2
WEB_THREADS ?= 8
# Loopback port of the demo's OpenID Connect server ("Demo login").
DEMO_OIDC_PORT ?= 9400

# Django 6 needs Python >= 3.12. Take the first interpreter that actually runs
# (a pyenv shim can exist without a usable version behind it).
FIND_PYTHON = for c in python3.13 python3.12 \
	  $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[23]*/bin/python3 2>/dev/null) \
	  /usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$c" || echo "$$c"; exit 0; fi; done; exit 1

.PHONY: help install demo prod soak serve seed migrate test test-fast test-browser bench lint format lock clean

help:
	@echo "make demo   install, migrate, seed the demo catalog and serve on http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite"
	@echo "make prod   the production stack on loopback: nginx (TLS, HTTP/2), granian, PostgreSQL, Redis"
	@echo "make bench  streaming and API benchmarks against baselines"
	@echo "make lint   ruff check and format check"

$(VENV)/.installed: pyproject.toml requirements.lock
	@py=$$($(FIND_PYTHON)) || { echo "error: Python 3.12 or newer is needed (Django 6); none found." \
	  "Install python3.12 or python3.13 and run make again." >&2; exit 1; }; \
	  echo "using $$py ($$($$py --version))"; \
	  test -x $(PY) || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) -m twentytwo migrate --no-input

seed: migrate
	$(PY) -m twentytwo seed_demo
	@# Three weeks of demo listening through the ingestion pipeline (a re-run adds nothing),
	@# rolled up in the foreground so the ratings dashboard has figures at first start.
	$(PY) -m twentytwo audience_demo
	$(PY) -m twentytwo audience_rollup

demo: seed
	$(PY) -m twentytwo collectstatic --no-input --verbosity 0
	@echo "22tracks is on http://$(HOST):$(PORT)/ (sign in with \"Demo login\")"
	@# Start the audience rollup and retention chains, the traffic log's retention and the
	@# worker's heartbeat, the daily privacy retention run, the partners' monthly reports and the
	@# campaigns' sender
	@# (nothing happens if they are queued).
	@$(PY) -m twentytwo audience_rollup --schedule
	@$(PY) -m twentytwo traffic_retention --schedule
	@$(PY) -m twentytwo privacy_retention --schedule
	@$(PY) -m twentytwo partner_reports --schedule
	@$(PY) -m twentytwo outreach_send --schedule
	@# The demo sign-in server and the task worker (rollups, retention) run beside the site and
	@# stop when the site stops.
	@$(PY) -m twentytwo demo_oidc --port $(DEMO_OIDC_PORT) & oidc=$$!; \
	  $(PY) -m twentytwo db_worker & worker=$$!; \
	  trap 'kill $$oidc $$worker 2>/dev/null' EXIT INT TERM; \
	  TWENTYTWO_DEMO_LOGIN=true TWENTYTWO_DEMO_OIDC_PORT=$(DEMO_OIDC_PORT) \
	  $(PY) -m twentytwo serve --host $(HOST) --port $(PORT) \
	  --workers $(WEB_WORKERS) --threads $(WEB_THREADS)

# The production stack on loopback (deploy/prod.py): nginx, granian, PostgreSQL, Redis, the
# worker and the loader, until Ctrl-C.
prod: install
	$(PY) deploy/prod.py

# 200 listeners for 10 minutes through the production stack, then what the server kept
# against what its clients were told (deploy/soak.py; SOAK_ARGS="--fault worker-kill").
soak: install
	$(PY) deploy/soak.py $(SOAK_ARGS)

test: install
	$(PY) -m twentytwo collectstatic --no-input --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the browser and the slow server tests: a quick round while working.
test-fast: install
	$(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

bench: install
	$(PY) -m twentytwo migrate --no-input
	$(PY) -m twentytwo seed_demo
	$(PY) -m twentytwo collectstatic --no-input --verbosity 0
	$(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: install
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
	  --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) var/static build src/*.egg-info
