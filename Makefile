# map_app — `make run` serves the map of seeds/, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: setup run test bench data clean

setup: $(STAMP)

# Reinstall only when pyproject.toml changes, so a second `make setup` is instant.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

run: setup
	$(BIN)/map-app serve

# lint and types first: a minute's failure, not fifteen
test: setup
	$(BIN)/ruff check map_app tests benchmarks
	$(BIN)/mypy map_app
	$(BIN)/python -m pytest

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.bench

# Maintainers: rebuild data/ from the raw inputs (needs ../shared/data).
data: setup
	$(BIN)/map-app data build --source ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache bench-results.json
