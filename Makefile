# LTSA case engine — `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
LTSA := $(VENV)/bin/ltsa
INSTALLED := $(VENV)/.installed
ASSETS := web/static/vendor/.built
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: run test lint install assets system-deps bench clean

run: install assets
	$(LTSA) db upgrade
	$(LTSA) demo
	$(LTSA) serve --host 127.0.0.1 --port 5000

test: install assets system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

assets: $(ASSETS)

$(ASSETS): $(wildcard web/package.json web/package-lock.json)
	@if [ -f web/package.json ]; then \
		npm ci --prefix web --no-audit --no-fund && npm run build --prefix web; \
	fi
	mkdir -p $(dir $@) && touch $@

# PostgreSQL and Chromium come from Debian's packages, installed only when missing.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -x /usr/bin/pdftoppm || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

bench: install system-deps
	$(PY) -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) web/node_modules web/static/vendor .pytest_cache .mypy_cache .ruff_cache
