# kunnan: `make demo` builds and shows a sample ledger, `make test` runs every check.
# Both create .venv from this project's own files; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
DEMO_DB := build/demo.sqlite

.PHONY: demo test lint typecheck pytest stress bench clean catalog

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "kunnan needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	mkdir -p build
	$(BIN)/kunnan demo --db $(DEMO_DB) --force

test: lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests migrations benchmarks
	$(BIN)/ruff format --check src tests migrations benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy --strict src

# Tests run in parallel, one worker per core (each test has its own database).
pytest: $(VENV)/.installed-test
	$(BIN)/pytest -n auto

# The Chinese catalog: append the messages it lacks (with empty translations to fill in),
# list the untranslated and the unused (see tests/catalog.py).
catalog: $(VENV)/.installed-test
	$(BIN)/python -m tests.catalog --update
	$(BIN)/python -m tests.catalog --unused

# The long runs: thousands of fuzzed command lines and the fault tests, on every core.
stress: $(VENV)/.installed-test
	KUNNAN_FUZZ_EXAMPLES=$${KUNNAN_FUZZ_EXAMPLES:-2000} KUNNAN_STRESS_SCALE=$${KUNNAN_STRESS_SCALE:-10} \
		$(BIN)/pytest -n auto tests/reliability

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# Benchmarks run in their own environment: kunnan as users install it, plus the
# baselines' tools (sqlite-utils) and the PostgreSQL driver.
BENCH_VENV := .venv-bench
BENCH_BIN := $(BENCH_VENV)/bin
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[pg]'
	$(BENCH_BIN)/python -m pip install --quiet --disable-pip-version-check 'sqlite-utils==3.39'
	touch $@

# `make bench BENCH_ARGS="--scale 10"` for the big sizes; KUNNAN_BENCH_DB=postgresql://… adds PostgreSQL.
bench: $(BENCH_VENV)/.installed
	$(BENCH_BIN)/python -m benchmarks $(BENCH_ARGS)
