# The two commands of the README:
#   make chat   sets up and runs the tutor in this terminal (no server needed)
#   make test   sets up and runs the tests (starts Redis/PostgreSQL here if they are down)
#               after the checks: ruff (lint, format) and mypy (types, see pyproject.toml)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: chat test setup lint

$(BIN)/hocso: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/hocso

setup: $(BIN)/hocso

chat: setup
	$(BIN)/hocso chat

test: setup
	./scripts/services.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy
