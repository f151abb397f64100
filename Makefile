# Pen: `make run` serves the app, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION := 4.0.1
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := wsgi

.PHONY: run test bench vendor lint secrets clean

# The venv is rebuilt only when a requirements file changes (a stamp file records the install).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

secrets: $(VENV)/.runtime-installed
	@$(BIN)/python -m pen.instance_setup

run: secrets
	@$(BIN)/flask upgrade-db
	@$(BIN)/python -m pen.health.ready http://$(HOST):$(PORT) & \
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

# Fetch the pinned htmx release from npm into pen/static/vendor/htmx (committed).
vendor:
	rm -rf build/vendor && mkdir -p build/vendor pen/static/vendor/htmx/ext
	cd build/vendor && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && tar xzf htmx.org-$(HTMX_VERSION).tgz
	cp build/vendor/package/dist/htmx.min.js pen/static/vendor/htmx/htmx.min.js
	cp build/vendor/package/dist/ext/hx-sse.js pen/static/vendor/htmx/ext/hx-sse.js
	cp build/vendor/package/LICENSE pen/static/vendor/htmx/LICENSE
	echo "htmx.org $(HTMX_VERSION) (npm), fetched by make vendor" > pen/static/vendor/htmx/VERSION
	rm -rf build/vendor

clean:
	rm -rf $(VENV) .pytest_cache build
