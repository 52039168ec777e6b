# Kleroterion: `make run` serves the app with demo data, `make test` runs every test.
# Both install what they need first (a virtualenv from PyPI, Chromium from Debian, axe-core from npm).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: install browsers run serve demo test test-audit test-fast test-slow check audit mutation bench clean translations translations-update

install: $(STAMP) translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(BIN)/pybabel -q compile -d webapp/translations
	touch $@

# Translations: English is the source language; Dutch and Spanish catalogs are compiled to .mo
# files (build products, git-ignored). After changing strings: make translations-update, then
# translate the new entries in webapp/translations/*/LC_MESSAGES/messages.po.
PO_FILES := $(wildcard webapp/translations/*/LC_MESSAGES/messages.po)
translations: $(PO_FILES:.po=.mo)

webapp/translations/%/LC_MESSAGES/messages.mo: webapp/translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel -q compile -d webapp/translations -l $*

translations-update:
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --add-location=file --sort-output \
		--project=Kleroterion --version=0.1.0 -o webapp/translations/messages.pot webapp
	$(BIN)/pybabel -q update -i webapp/translations/messages.pot -d webapp/translations \
		--no-fuzzy-matching --ignore-obsolete -w 100

# Debian's Chromium for the browser tests (Playwright never downloads a browser of its own),
# and axe-core from npm for the accessibility checks.
browsers: node_modules/axe-core/axe.min.js
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# instance/config.py (random secrets and the demo's letter settings) once, the schema, the demo
# municipality when the database is empty (the demo logins and a few unused reply codes are
# printed every time), then the app on http://127.0.0.1:$(PORT) and the worker of the task
# queue (Procfile, run by honcho; Ctrl+C stops both). The letters' link follows the port:
# `make run PORT=8000` prints letters that point to http://127.0.0.1:8000/reply.
PORT ?= 5000
RUN_ENV = KLEROTERION_PUBLIC_BASE_URL=http://127.0.0.1:$(PORT)

run: install
	@[ -f instance/config.py ] || $(BIN)/flask --app webapp init-instance --demo
	$(BIN)/flask --app webapp db upgrade
	$(RUN_ENV) $(BIN)/flask --app webapp demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT) with the task queue's worker (Ctrl+C stops both)"
	$(RUN_ENV) $(BIN)/honcho start -f Procfile -p $(PORT)

# Production: gunicorn and the worker on PostgreSQL and Redis (docs/deployment.md). DATABASE_URL
# and REDIS_URL must be set in the environment; the rate limits and the task queue use Redis.
serve: install
	@[ -n "$$DATABASE_URL" ] || { echo "make serve: set DATABASE_URL (postgresql://...)"; exit 2; }
	@[ -n "$$REDIS_URL" ] || { echo "make serve: set REDIS_URL (redis://...)"; exit 2; }
	$(BIN)/flask --app webapp db upgrade
	@echo "Serving on port $(PORT) with gunicorn and the task queue's worker (Ctrl+C stops both)"
	KLEROTERION_TASK_QUEUE_URL=$${KLEROTERION_TASK_QUEUE_URL:-$$REDIS_URL} \
	KLEROTERION_RATELIMIT_STORAGE_URI=$${KLEROTERION_RATELIMIT_STORAGE_URI:-$$REDIS_URL} \
	$(BIN)/honcho start -f Procfile.serve -p $(PORT)

# Lint and types first (make check, about a minute): CI runs this target only.
test: install browsers check test-audit
	$(PY) -m pytest -n 2 -m "not slow"

# The dependency audit, in every `make test` (and so in CI): known vulnerabilities (exit 1) fail
# the run. An audit that could not check (exit 2: the vulnerability service is unreachable, as
# from this project's machines) is reported and passes, since it found nothing either way;
# AUDIT_REQUIRED=1 makes that a failure too (for a machine that should reach the service).
AUDIT_REQUIRED ?=
test-audit: install
	@$(PY) scripts/dependency_audit.py --skip-editable; rc=$$?; \
	if [ $$rc -eq 2 ] && [ -z "$(AUDIT_REQUIRED)" ]; then \
		echo "make test: the dependency audit could not check (see above); not a failure here. AUDIT_REQUIRED=1 makes it one."; rc=0; \
	fi; exit $$rc

# The tests marked slow, which make test leaves out and CI (.ci/run) runs after it, about 5
# minutes: LEXIMIN level by level on a city-sized pool compared with the split's (about 3.5),
# the fuzzing shape of issue 12, the table plan against GroupSelect, the transparent lottery on
# a city pool, vote races, whole sittings in the browser. pytest exits with 5 when it collects
# nothing, which is not a failure here.
test-slow: install
	$(PY) -m pytest -m slow; rc=$$?; [ $$rc -ne 5 ] || { echo 'no test is marked slow'; rc=0; }; exit $$rc

check: install
	$(BIN)/ruff check sortition webapp tests benchmarks scripts migrations
	$(BIN)/ruff format --check sortition webapp tests benchmarks scripts migrations
	$(BIN)/mypy sortition webapp tests

# The installed dependencies against known vulnerabilities (pip-audit). Exits 2 and says so when
# it could not check them (e.g. the vulnerability service is unreachable): never a false "none".
audit: install
	$(PY) scripts/dependency_audit.py --skip-editable

# Mutation testing (mutmut) of the critical modules, one at a time in a copy of the checkout,
# each with the fast tests that cover it: scores in build/mutation/scores.json and docs/trust.md.
# Long (several minutes a module): `make mutation MODULES="codes households"` runs some.
MODULES ?=
mutation: install
	$(PY) scripts/mutation.py $(MODULES)

# The peer (GPL-3, pins of its own) goes into a separate virtualenv with our package, never into
# $(VENV); benchmarks/selection.py runs it side by side with ours when it is importable.
BENCH_VENV := .venv-bench

bench: install
	[ -x $(BENCH_VENV)/bin/python ] || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench]'
	$(BENCH_VENV)/bin/python benchmarks/selection.py --limit 300
	$(PY) benchmarks/invitations.py
	$(PY) benchmarks/lottery.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
