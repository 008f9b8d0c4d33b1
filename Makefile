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
# Where `make run` serves: http://127.0.0.1:$(PORT), and Stripe's format at the root of
# http://127.0.0.1:$(STRIPE_ROOT_PORT) (stripe-mock's port: docs/stripe.md; 0: not).
PORT ?= 8000
STRIPE_ROOT_PORT ?= 12111
# Test processes: one per core (at most six: each takes two databases of the test Redis).
TEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(TEST_WORKERS) --maxprocesses 6
# The PostgreSQL half is mostly live servers waiting on each other: twice as many processes.
PYTEST_PARALLEL_WAITING = -n $(if $(filter auto,$(TEST_WORKERS)),$(shell expr 2 \* $$(nproc)),$(TEST_WORKERS)) --maxprocesses 6
# The task engine of `make cluster`, `make soak` and `make soak-short`: database (the
# default) or celery (docs/scaling-out.md), e.g. `make soak-short TASKS=celery`.
TASKS ?= database
# The cluster serves through nginx, as production does (scripts/cluster-run).
CLUSTER_DEBS := scripts/ensure-debs nginx:nginx-light
# The dev server allows a development SECRET_KEY only with DEBUG on.
DEV_ENV := DJANGO_DEBUG=1

.PHONY: help install lock run test test-sqlite test-postgres fuzz system-deps bench bench-short bench-profile bench-levers cluster soak soak-short tenants examples lint clean

help: ## Show this help (the README's "Make targets" says more)
	@grep -E '^[a-zA-Z_.-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

# Locked dependencies, pinned with hashes (`make lock` writes them from pyproject.toml):
# requirements/dev.txt has every extra (test, dev, sentry, celery) and is what .venv gets;
# main.txt (no extra), sentry.txt and celery.txt are what the image installs (deploy/Dockerfile);
# uv.txt is the installer itself, which pip installs first (uv then installs the rest, from
# its cache when it has them: seconds, where pip takes a minute).
LOCK := requirements/dev.txt
UV := $(VENV)/bin/uv
UV_COMPILE = $(UV) pip compile --quiet --universal --python-version 3.12 --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

$(STAMP): pyproject.toml $(LOCK) requirements/uv.txt
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
		echo "make: stopping: no Python 3.12+ interpreter found (see the message above)" >&2; \
		exit 1; \
	fi; \
	if [ ! -x $(VPY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	@echo "Installing the locked dependencies ($(LOCK)) with uv"
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/uv.txt
	$(UV) pip install --python $(VPY) --require-hashes -r $(LOCK)
	$(UV) pip install --python $(VPY) --quiet --no-deps -e .
	@touch $@

# The JavaScript packages of the tests (package-lock.json): the official `stripe` package, whose
# TypeScript declarations are the schema of the Stripe dialect's responses
# (tests/support/stripe_schema.py), and axe-core. Development only: the image needs no node.
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(STAMP) $(NPM_STAMP) ## Create .venv (requirements/dev.txt, the project editable) and node_modules (package-lock.json)

lock: install ## Re-resolve requirements/*.txt from pyproject.toml (keeps pins; UPGRADE=1: newest)
	$(UV_COMPILE) pyproject.toml --all-extras -o requirements/dev.txt
	$(UV_COMPILE) pyproject.toml --constraint requirements/dev.txt -o requirements/main.txt
	$(UV_COMPILE) pyproject.toml --constraint requirements/dev.txt --extra sentry \
		-o requirements/sentry.txt
	$(UV_COMPILE) pyproject.toml --constraint requirements/dev.txt --extra celery \
		-o requirements/celery.txt
	echo uv | $(UV_COMPILE) - --constraint requirements/dev.txt -o requirements/uv.txt

run: ## Migrate, load demo data, start a task worker, serve on http://127.0.0.1:$(PORT) and :$(STRIPE_ROOT_PORT)
	@scripts/port-free 127.0.0.1 $(PORT) "Stop it, or choose another port: make run PORT=8001"
	@[ "$(STRIPE_ROOT_PORT)" = 0 ] || scripts/port-free 127.0.0.1 $(STRIPE_ROOT_PORT) \
		"Stop it, or choose another port: make run STRIPE_ROOT_PORT=12112 (0: none)"
	@$(MAKE) --no-print-directory install
	$(DEV_ENV) $(VPY) manage.py migrate --noinput
	$(DEV_ENV) $(VPY) manage.py seed_demo
	@# The task worker (webhooks, settlements, its scheduler), started again by its supervisor
	@# if it dies; both stop when the server does. The server (runserver, api's `devserver`)
	@# serves both ports from one process.
	$(DEV_ENV) $(VPY) -m core.supervise -- $(VPY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(DEV_ENV) STRIPE_ROOT_PORT=$(STRIPE_ROOT_PORT) $(VPY) manage.py devserver 127.0.0.1:$(PORT)

test: install system-deps ## Lint, the suite on SQLite, then on PostgreSQL + Redis what can differ
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	@ls -1 test-artifacts/browser/*.png 2>/dev/null | sed 's/^/browser screenshot: /' || true

system-deps: ## Debian packages the tests use: Chromium (browser tests), Redis, wrk, nginx
	scripts/ensure-debs chromium:chromium redis-server:redis-server wrk:wrk nginx:nginx-light

test-sqlite: install ## The suite on the embedded SQLite database (all but the postgres tests)
	@echo "== The suite on SQLite (all but the postgres tests) =="
	env -u DATABASE_URL $(VPY) -m pytest $(PYTEST_PARALLEL) -m "not postgres" $(PYTEST_ARGS)

# The tests that stop or freeze the shared servers run alone, after the others (a filter in
# PYTEST_ARGS that leaves none of them is no failure: pytest's exit status 5).
test-postgres: install ## On throwaway PostgreSQL 15 + Redis: the postgres and db_specific tests
	@echo "== On PostgreSQL 15 + Redis: the tests that need them or can differ there =="
	scripts/with-postgres scripts/with-redis bash -c '\
		$(VPY) -m pytest $(PYTEST_PARALLEL_WAITING) \
			-m "(postgres or db_specific) and not disruptive and not fuzz" $(PYTEST_ARGS) || exit; \
		$(VPY) -m pytest -m disruptive $(PYTEST_ARGS); code=$$?; \
		[ $$code = 5 ] && [ -n "$(PYTEST_ARGS)" ] && code=0; exit $$code'

fuzz: install ## Schema-driven fuzzing (schemathesis, every check) on PostgreSQL + Redis; CI runs it
	scripts/with-postgres scripts/with-redis $(VPY) -m pytest -m fuzz $(PYTEST_ARGS)

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

cluster: install ## nginx, two web instances behind it, two task workers, throwaway PostgreSQL + Redis (TASKS=celery)
	$(CLUSTER_DEBS)
	TASKS_BACKEND=$(TASKS) scripts/with-postgres scripts/with-redis scripts/cluster-run

# The soak measures faults, not rate limits: its clients share one key, so the limits are
# raised for it (they stay on, counted in Redis). On Celery the visibility timeout is cut to
# 20 s, so that the tasks of the worker it kills come back within its run.
SOAK_ENV := RATE_LIMIT_PER_MINUTE=1000000 RATE_LIMIT_PER_SECOND=100000 TASKS_BACKEND=$(TASKS) \
	$(if $(filter celery,$(TASKS)),CELERY_VISIBILITY_TIMEOUT_SECONDS=20 CELERY_RESTORE_INTERVAL_SECONDS=2)

soak: install ## Fault-injection soak (2 min) on the local cluster: nothing lost or doubled (TASKS=celery)
	$(CLUSTER_DEBS)
	$(SOAK_ENV) scripts/with-postgres scripts/with-redis scripts/cluster-run \
		$(VPY) scripts/soak.py --seconds 120

soak-short: install ## The soak's short form (about a minute; CI runs it on both engines)
	$(CLUSTER_DEBS)
	$(SOAK_ENV) scripts/with-postgres scripts/with-redis scripts/cluster-run \
		$(VPY) scripts/soak.py --seconds 40

examples: install ## The Node SDK's tests and examples/stripe-{python,node} against the local cluster
	$(CLUSTER_DEBS)
	scripts/with-postgres scripts/with-redis scripts/cluster-run examples/run

tenants: install ## A hostile tenant against the local cluster: what one account can do to the others
	$(CLUSTER_DEBS)
	scripts/with-postgres scripts/with-redis scripts/cluster-run $(VPY) scripts/tenants.py

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
