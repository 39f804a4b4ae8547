# The two commands: `make run` (local demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The local demo: DEBUG on, MFA off (said at start-up), SQLite and the embedded broker.
DEMO_ENV := DEBUG=1 NCB_REQUIRE_MFA=0

# The translation catalogues: the .po files are committed, their compiled .mo files are not;
# each .mo is rebuilt (what `manage.py compilemessages` runs) only when its .po changed.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run test lint format bench clean demo-exchange messages

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(INSTALLED)

%.mo: %.po
	msgfmt --check-format -o $@ $<

install: $(INSTALLED) $(MO_FILES)

# Refresh the catalogues from the code and templates (then translate, then `make install`).
messages: install
	$(DEMO_ENV) $(BIN)/python manage.py makemessages -l ar -l es -l fr --no-obsolete \
		--ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*' \
		--ignore='static/*'

run: install
	@mkdir -p var
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	@$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "Multi-factor authentication is OFF for this local demo (NCB_REQUIRE_MFA=0)."
	@echo "Starting the web server on http://$(HOST):$(PORT)/ and a Celery worker; Ctrl-C stops both."
	@trap 'kill 0' INT TERM; \
	$(DEMO_ENV) $(BIN)/celery -A ncb_cases worker --beat --loglevel=WARNING --concurrency=2 \
		--schedule=var/celerybeat-schedule & \
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	kill 0

# The suite on every core (pytest-xdist, TEST_WORKERS=0 for one process; an idle worker takes
# pending tests from a busy one, so a few long browser tests do not end the run alone), then
# the integration tests one at a time: they start Celery workers, second instances and private
# Redis servers, and kill them on a schedule. Exit status 5 is pytest's "nothing selected"
# (PYTEST_ARGS naming files of one kind only).
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not integration" $(PYTEST_ARGS) \
		|| { status=$$?; test $$status -eq 5 || exit $$status; }
	$(BIN)/python -m pytest -m integration $(PYTEST_ARGS) \
		|| { status=$$?; test $$status -eq 5 || exit $$status; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Quick scale by default (a few minutes); SCALE=full for DESIGN.md §7's sizes, or a factor.
bench: install
	$(BIN)/python -m bench --scale $(or $(SCALE),quick) $(ONLY)

# Two instances (France on :8001, Germany on :8002) exchanging HST messages, for two browser
# tabs; PORTS="9001 9002" picks others, SEND=1 has a first REQUEST France → Germany sent.
demo-exchange: install
	@$(BIN)/python scripts/demo_exchange.py $(if $(PORTS),--ports $(PORTS),) $(if $(SEND),--send-request,)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
