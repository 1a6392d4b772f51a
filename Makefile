# The two commands: `make run` (set up and serve the demo) and `make test` (set up and run the suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
PORT ?= 8000
# Local runs: DEBUG on, SQLite under var/, Celery on the filesystem broker under var/.
RUN_ENV := DEBUG=$${DEBUG:-true}
PYTEST_ARGS ?=

.PHONY: install run test test-dates lint format migrate seed clean check-deploy bench

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var/static
	$(RUN_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo

# Serve the portal with demo data on http://127.0.0.1:$(PORT), a Celery worker with beat
# beside it. Ctrl-C stops both.
run: seed
	@mkdir -p var/log var/static
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops the portal and its worker)"
	@export $(RUN_ENV); \
	$(VENV)/bin/celery -A portal worker -B --concurrency 1 --loglevel INFO \
	    --logfile var/log/celery.log --schedule var/celerybeat-schedule & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null; exit 0' INT TERM EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# The whole suite: PostgreSQL when DATABASE_URL points at one, SQLite otherwise.
test: install
	@mkdir -p var/static
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The instants `make test-dates` freezes the suite at (PORTAL_TEST_NOW; docs/operations.md, Time in
# the tests), in order: the suite's default, a year end (late evening in Toronto, already the next year
# in UTC); a month end (Friday evening, already 1 May in UTC); 29 February; an hour after the clocks
# jump forward in Toronto (a Sunday); inside the repeated hour when they fall back (a Sunday); and
# 7 December 2026 in UTC, still Sunday 6 December in Toronto.
TEST_DATES := 2026-12-31T23:30:00-05:00 2027-04-30T20:30:00-04:00 2028-02-29T09:00:00-05:00 \
	2027-03-14T03:30:00-04:00 2027-11-07T01:30:00-04:00 2026-12-07T01:50:00+00:00

# The whole suite once per instant above; stops at the first that fails.
test-dates: install
	@set -e; for now in $(TEST_DATES); do \
	    echo "=== make test with PORTAL_TEST_NOW=$$now"; \
	    PORTAL_TEST_NOW=$$now $(MAKE) --no-print-directory test; \
	done

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: install
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=portal.example.com $(PY) manage.py check --deploy --fail-level WARNING

# Seed a small (the demo) and a large (seed_demo --scale 122) database on PostgreSQL, time the busiest
# pages on each and print them against the targets (docs/operations.md, Benchmarks). Not part of `test`.
bench: install
	@mkdir -p var/static
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
