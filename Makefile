# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-installed
BUN := tools/node_modules/.bin/bun
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install install-test browser nginx migrate seed owner run test test-sqlite test-postgres lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch is pinned and installed first: a looser pin would pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0
	$(PIP) -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PIP) -e '.[test]'
	touch $@

# The admin is built by Reflex with bun from the npm registry (Node here is too old for it);
# axe-core for the accessibility tests comes from the same lock file.
$(BUN): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(BUN)

install-test: $(TEST_STAMP) $(BUN) browser nginx

# Debian's Chromium drives the end-to-end tests (Playwright cannot download browsers here).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's nginx runs deploy/nginx.conf in front of a chat server in tests/deploy.
nginx:
	@test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

migrate: install
	$(PY) -m core.manage migrate

seed: migrate
	$(PY) -m core.manage seed

# The first owner: ADMIN_EMAIL/ADMIN_PASSWORD, or a generated password printed once.
owner: seed
	$(PY) -m core.manage create-owner

run: owner
	$(PY) scripts/run_all.py

test: install-test
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	@echo "== test suite on SQLite"
	env -u TEST_DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_TEST_URL))"
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy core chat_server

bench: install
	$(PY) benchmarks/chat_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache tools/node_modules .web .states \
		.reflex-home .bun-cache .bun-transpiler-cache
