# lianjie's command index. `make demo` and `make test` are the two commands a new user needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: install system-packages demo test test-fast lint bench clean

install: $(STAMP) system-packages ## Create .venv, install lianjie with its dev tools, and the system packages

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

system-packages: ## WeasyPrint's subsetter and a CJK font; PostgreSQL for the database tests
	@bash scripts/system-packages.sh

demo: install ## Run a synthetic city's whole quarter end to end (SQLite and Prefect's embedded API)
	$(VENV)/bin/lianjie demo --out demo

# On every core (pytest-xdist): each worker has its own Prefect test server and PostgreSQL.
test: install ## The whole suite, slow end-to-end tests included (what CI runs)
	$(VENV)/bin/pytest --numprocesses auto --dist worksteal --durations=30

test-fast: install ## The suite without the slow end-to-end tests
	$(VENV)/bin/pytest --numprocesses auto --dist worksteal -m "not slow"

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

bench: install ## Benchmarks (results in bench/out/)
	$(PY) -m bench.run --rounds 3

clean: ## Remove the demo's output and local data
	rm -rf demo data bench/out
