# The two commands of the README:
#   make chat   sets up and runs the tutor in this terminal (no server needed)
#   make test   sets up and runs the tests (starts Redis/PostgreSQL here if they are down)
#   make lock   pins the dependencies again (requirements.lock) after pyproject.toml changed
#               after the checks: ruff (lint, format) and mypy (types, see pyproject.toml)
PYTHON ?= python3
# Test processes (pytest-xdist): 4 keep this 2-core box busy while tests wait on sockets and
# timers; `make test WORKERS=0` runs everything in one process, as before.
WORKERS ?= 4
VENV := .venv
BIN := $(VENV)/bin

.PHONY: chat test setup lint lock

# The exact releases of requirements.lock, each checked against its hash; then hocso itself.
$(BIN)/hocso: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/hocso

setup: $(BIN)/hocso

# After changing the dependencies in pyproject.toml (or to take newer releases): pins every
# package, the dev tools too, with the hashes of all its files, for any platform.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet uv
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --upgrade --output-file requirements.lock

chat: setup
	$(BIN)/hocso chat

test: setup
	./scripts/services.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist worksteal

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy
