# Payments sandbox: build / run / test.  `make help` lists the targets.
SHELL := bash
.DEFAULT_GOAL := help

# Python >= 3.12 (Django 6.1).  Override with `make PYTHON=/path/to/python3.12 ...`.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k refunds -x"`.
PYTEST_ARGS ?=
# The task engine of `make cluster`, `make soak` and `make soak-short`: database (the
# default) or celery (docs/scaling-out.md), e.g. `make soak-short TASKS=celery`.
TASKS ?= database
# The dev server allows a development SECRET_KEY only with DEBUG on.
DEV_ENV := DJANGO_DEBUG=1
# The port of `make run` (on 127.0.0.1), e.g. `make run PORT=8001`.
PORT ?= 8000
# Before anything starts: is the port free? (bound as the dev server binds it)
define PORT_FREE
import errno, socket, sys
port = int(sys.argv[1])
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    sock.bind(("127.0.0.1", port))
except OSError as exc:
    if exc.errno != errno.EADDRINUSE:
        raise
    sys.exit(f"make run: port {port} on 127.0.0.1 is already in use (another server?). "
             f"Stop it, or serve on another port: make run PORT={port + 1}")
endef
export PORT_FREE

.PHONY: help install lock run test test-sqlite test-postgres system-deps bench bench-short bench-profile bench-levers cluster soak soak-short lint clean

help: ## Show this help (the README's "Make targets" says more)
	@grep -E '^[a-zA-Z_.-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

# Locked dependencies, pinned with hashes (`make lock` writes them from pyproject.toml):
# requirements/dev.txt has every extra (test, dev, sentry, celery) and is what .venv gets;
# main.txt (no extra), sentry.txt and celery.txt are what the image installs (deploy/Dockerfile).
LOCK := requirements/dev.txt
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal \
	--python-version 3.12 --generate-hashes --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade)

$(STAMP): pyproject.toml $(LOCK)
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
		echo "make: stopping: no Python 3.12+ interpreter found (see the message above)" >&2; \
		exit 1; \
	fi; \
	if [ ! -x $(VPY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(STAMP) ## Create .venv: the locked dependencies (requirements/dev.txt), the project editable

lock: install ## Re-resolve requirements/*.txt from pyproject.toml (keeps pins; UPGRADE=1: newest)
	$(UV_COMPILE) --all-extras -o requirements/dev.txt
	$(UV_COMPILE) --constraint requirements/dev.txt -o requirements/main.txt
	$(UV_COMPILE) --constraint requirements/dev.txt --extra sentry -o requirements/sentry.txt
	$(UV_COMPILE) --constraint requirements/dev.txt --extra celery -o requirements/celery.txt

run: install ## Migrate, load demo data, start a task worker and serve on http://127.0.0.1:8000 (PORT=8001: another port)
	@$(VPY) -c "$$PORT_FREE" $(PORT)
	$(DEV_ENV) $(VPY) manage.py migrate --noinput
	$(DEV_ENV) $(VPY) manage.py seed_demo
	@# The task worker (webhooks, settlements, its scheduler), started again by its supervisor
	@# if it dies; both stop when the server does.
	$(DEV_ENV) $(VPY) -m core.supervise -- $(VPY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(DEV_ENV) $(VPY) manage.py runserver 127.0.0.1:$(PORT)

test: install system-deps ## Lint, tests on SQLite, then PostgreSQL 15 + Redis; short bench and soaks
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory bench-short
	$(MAKE) --no-print-directory soak-short
	$(MAKE) --no-print-directory soak-short TASKS=celery
	@ls -1 test-artifacts/browser/*.png 2>/dev/null | sed 's/^/browser screenshot: /' || true

system-deps: ## Debian packages the tests use: Chromium (browser tests), Redis, wrk, nginx
	scripts/ensure-debs chromium:chromium redis-server:redis-server wrk:wrk nginx:nginx-light

test-sqlite: install ## Run the test suite on the embedded SQLite database
	env -u DATABASE_URL $(VPY) -m pytest $(PYTEST_ARGS)

test-postgres: install ## Run the test suite on throwaway PostgreSQL 15 and Redis servers
	scripts/with-postgres scripts/with-redis $(VPY) -m pytest $(PYTEST_ARGS)

bench: install ## Benchmark against a bare Django+DRF baseline (PostgreSQL + Redis, 1M rows)
	scripts/ensure-debs wrk:wrk
	scripts/with-postgres scripts/with-redis $(VPY) bench/run.py $(BENCH_ARGS)

bench-short: install ## The benchmark's short form (a few seconds per endpoint; CI runs it)
	scripts/ensure-debs wrk:wrk
	scripts/with-postgres scripts/with-redis $(VPY) bench/run.py --short

bench-profile: install ## Where a create spends its time: in-process timings + pyinstrument tree
	scripts/with-postgres scripts/with-redis $(VPY) bench/profile.py

bench-levers: install ## Each lever of the create path alone: the ORM/library way vs ours
	scripts/with-postgres scripts/with-redis $(VPY) bench/levers.py

cluster: install ## Two web instances + two task workers on throwaway PostgreSQL + Redis (TASKS=celery)
	TASKS_BACKEND=$(TASKS) scripts/with-postgres scripts/with-redis scripts/cluster-run

# The soak measures faults, not rate limits: its clients share one key, so the limits are
# raised for it (they stay on, counted in Redis). On Celery the visibility timeout is cut to
# 20 s, so that the tasks of the worker it kills come back within its run.
SOAK_ENV := RATE_LIMIT_PER_MINUTE=1000000 RATE_LIMIT_PER_SECOND=100000 TASKS_BACKEND=$(TASKS) \
	$(if $(filter celery,$(TASKS)),CELERY_VISIBILITY_TIMEOUT_SECONDS=20 CELERY_RESTORE_INTERVAL_SECONDS=2)

soak: install ## Fault-injection soak (2 min) on the local cluster: nothing lost or doubled (TASKS=celery)
	$(SOAK_ENV) scripts/with-postgres scripts/with-redis scripts/cluster-run \
		$(VPY) scripts/soak.py --seconds 120

soak-short: install ## The soak's short form (about a minute; CI runs it on both engines)
	$(SOAK_ENV) scripts/with-postgres scripts/with-redis scripts/cluster-run \
		$(VPY) scripts/soak.py --seconds 40

lint: install ## Ruff, import-linter contracts, hadolint (Dockerfile), compose.yaml's schema
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/hadolint deploy/Dockerfile
	@# The Compose specification's JSON schema, vendored from compose-spec/compose-spec.
	$(VENV)/bin/check-jsonschema --schemafile deploy/schemas/compose-spec.json \
		deploy/compose.yaml deploy/compose.celery.yaml

clean: ## Remove the virtualenv, local databases and caches
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* .pytest_cache .ruff_cache .hypothesis \
		staticfiles test-artifacts *.egg-info build dist
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
