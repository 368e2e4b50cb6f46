# Two commands matter: `make demo` and `make test`. Both install what they need first.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v python3.11 || command -v python3)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432
PYTEST_ARGS ?=

.PHONY: demo test install install-production browser lint types migrations-check messages test-sqlite test-postgres bench clean

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

install: .venv/.synced

# Production: only the runtime dependencies (no dev or bench groups), exactly as locked.
install-production: | $(UV)
	$(UV) sync --frozen --no-default-groups --no-group dev --no-group bench

demo: install
	$(PY) -m kyoso demo

browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "Installing Debian's Chromium and Japanese fonts for the browser tests"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

lint: install
	$(PY) -m ruff check .

types: install
	$(PY) -m mypy src

migrations-check: install
	KYOSO_VAR_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

messages: install
	cd src/kyoso && ../../$(PY) ../../manage.py compilemessages --ignore=.venv -v0

test-sqlite: install browser
	KYOSO_VAR_DIR=$$(mktemp -d) DATABASE_URL= $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-postgres: install browser
	DATABASE_URL=$(PG_URL)/kyoso_$$$$_$$RANDOM KYOSO_VAR_DIR=$$(mktemp -d) $(PY) -m pytest -n 2 --dist loadfile --create-db $(PYTEST_ARGS)

test: lint types migrations-check test-sqlite test-postgres

bench: install
	$(PY) bench/run_all.py --out var/bench/results.json

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache
