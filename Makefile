# Ukai: `make run` starts everything; `make test` runs every check CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONPATH := $(CURDIR)/src
export UKAI_DATA_DIR ?= $(CURDIR)/var

RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help run test check lint typecheck importlint migrations-check deploy-check \
	openapi openapi-check pytest pytest-postgres test-browser test-api system-packages \
	demo messages clean

help:
	@echo "make run   - Ukai を起動します / set up and run Ukai (http://localhost:$(PORT)/)"
	@echo "make test  - すべてのテストを実行します / run every check CI runs"

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 が必要です / Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): $(VENV)/bin/python requirements/base.txt pyproject.toml
	$(PY) -m pip install --quiet -r requirements/base.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements/dev.txt
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

## make run: install, migrate, load the demo data, start the server and worker.
run: $(RUN_STAMP)
	@mkdir -p "$(UKAI_DATA_DIR)"
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py ukai_demo
	$(PY) manage.py ukai_serve --port $(PORT)

demo: $(RUN_STAMP)
	$(PY) manage.py ukai_demo -v2

## make test: everything CI checks.
test: system-packages $(DEV_STAMP)
	@scripts/test-all.sh

system-packages:
	@scripts/system-packages.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check src bench
	$(VENV)/bin/ruff format --check src bench

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy

importlint: $(DEV_STAMP)
	PYTHONPATH=src:tools $(VENV)/bin/lint-imports

migrations-check: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=ukai.config.settings.test $(PY) manage.py makemigrations --check --dry-run

deploy-check: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=ukai.config.settings.production UKAI_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		UKAI_ALLOWED_HOSTS=ukai.example $(PY) manage.py check --deploy --fail-level WARNING

openapi: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=ukai.config.settings.test $(PY) manage.py ukai_openapi --output docs/api/openapi.json

openapi-check: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=ukai.config.settings.test $(PY) manage.py ukai_openapi --check docs/api/openapi.json

pytest: $(DEV_STAMP)
	$(VENV)/bin/pytest -m "not browser" -n 2 -q

pytest-postgres: $(DEV_STAMP)
	scripts/with-postgres.sh $(VENV)/bin/pytest -m "not browser" -n 2 -q

test-browser: $(DEV_STAMP)
	$(VENV)/bin/pytest -m browser -q

messages: $(DEV_STAMP)
	cd src/ukai && ../../$(PY) ../../manage.py makemessages -l en -l zh_Hans -l ko -l pt_BR -l vi -l tl -l ne --ignore 'tests/*' \
		&& ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf $(VENV) var
