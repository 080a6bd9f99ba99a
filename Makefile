# The README's commands: `make run` (the main job, end to end), `make test` (every test, real Neo4j) and
# `make test-quick` (the unit tests and doctests, while working).
# Both do their own set-up on a fresh clone: a virtualenv in .venv, the package and its dependencies, Neo4j
# (fetched from Maven Central on first start by `diaspora-kg neo4j start`), and for tests headless Chromium.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test test-quick test-fast browser bench lint clean neo4j-start neo4j-stop

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version' 
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

browser:
	@bash scripts/install-chromium.sh

run: $(STAMP)
	$(BIN)/diaspora-kg run

test: $(STAMP) browser
	$(BIN)/pytest

# The quick check while working: the unit tests and the package's doctests (one throwaway Neo4j for the audit's
# tests; no browser): minutes, against the full suite's twenty-odd. `make test` stays the whole suite.
test-quick: $(STAMP)
	$(BIN)/pytest tests/unit graph_loader

test-fast: test-quick

bench: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks.run_all

lint: $(STAMP)
	$(BIN)/ruff check .

neo4j-start: $(STAMP)
	$(BIN)/diaspora-kg neo4j start

neo4j-stop: $(STAMP)
	$(BIN)/diaspora-kg neo4j stop

clean:
	-$(BIN)/diaspora-kg neo4j stop
	rm -rf out .pytest_cache
