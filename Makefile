# Stress Detector: `make run` serves the platform, `make test` checks it.
# Both create .venv on first use and reinstall only when a requirements file changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
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
	@echo "make clean    remove .venv and caches (keeps db.sqlite3 and media/)"

$(BIN)/python:
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
