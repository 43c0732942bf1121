# Stress Detector: `make run` serves the platform, `make test` checks it.
# Both create a virtualenv on first use and reinstall only when a requirements file changes.
# Any CPython 3.10-3.13 works: PYTHON is the newest of python3.13 ... python3.10, python3 on PATH
# that runs and is one of those (override: make test PYTHON=/path/to/python3.13). VENV defaults
# to .venv; give each Python its own, e.g. make test PYTHON=python3.13 VENV=.venv-3.13 (.ci/run
# tests 3.11 and 3.13 that way).

SUPPORTED_PYTHON := import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3.10 python3; do \
	$$p -c '$(SUPPORTED_PYTHON)' 2>/dev/null && command -v $$p && break; done)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lint worker migrate superuser clean

help:
	@echo "make run      install (first time), migrate and serve on http://$(HOST):$(PORT)"
	@echo "make test     ruff, Django checks and the test suite (PYTEST_ARGS=... to pass options)"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make lint     ruff only"
	@echo "make migrate  apply database migrations"
	@echo "make clean    remove $(VENV) and caches (keeps db.sqlite3 and media/)"
	@echo "PYTHON=... VENV=...  which Python 3.10-3.13 and which virtualenv (default: newest Python, .venv)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Stress Detector needs CPython 3.10-3.13 and found none on PATH; pass one: make $(MAKECMDGOALS) PYTHON=/path/to/python3.13"; exit 1; }
	@$(PYTHON) -c '$(SUPPORTED_PYTHON)' || { echo "Stress Detector needs CPython 3.10-3.13; $(PYTHON) is not one of them."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamp files record which requirements were installed into .venv.
$(VENV)/.installed-base: $(BIN)/python requirements/base.txt requirements/ml.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

migrate: $(VENV)/.installed-base
	$(BIN)/python manage.py migrate --no-input

run: migrate
	@echo "Create a user: sign up at http://$(HOST):$(PORT)/accounts/signup/ or run $(BIN)/python manage.py createsuperuser"
	$(BIN)/uvicorn stressdetector.asgi:application --host $(HOST) --port $(PORT) --ws websockets --lifespan off \
		--reload $(foreach dir,stressdetector accounts detection ml,--reload-dir $(dir))

superuser: migrate
	$(BIN)/python manage.py createsuperuser

worker: $(VENV)/.installed-base
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379/0); without it tasks run inside 'make run'."; exit 1; }
	@# Beat (the periodic jobs) beside the worker, as its own process, stopped whenever the worker ends.
	$(BIN)/celery -A stressdetector beat --schedule .celerybeat-schedule -l info & beat=$$!; \
		trap 'kill $$beat 2>/dev/null' EXIT INT TERM; \
		$(BIN)/celery -A stressdetector worker -l info

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=stressdetector.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=stressdetector.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
