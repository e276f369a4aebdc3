# Vigil task runner. `make demo` runs the main job on the bundled defaults; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
SHARED ?= ../shared
DB ?= data/demo.db
PORT ?= 8765
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck clean-demo fuzz

$(STAMP): pyproject.toml requirements.lock scripts/install-system-deps
	bash scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e ".[web]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/vigil --db $(DB) watch create vigil/watches/japan-us-2024.yaml --replace
	$(BIN)/vigil --db $(DB) watch create vigil/watches/gbr-us-2020.yaml --replace
	$(BIN)/vigil --db $(DB) ingest $(SHARED)/corpus/wikinews/*.csv $(SHARED)/corpus/seed
	$(BIN)/vigil --db $(DB) status
	$(BIN)/vigil --db $(DB) brief japan-us-2024
	$(BIN)/vigil --db $(DB) serve --port $(PORT)

# The whole suite: with VIGIL_TEST_POSTGRES unset, a throw-away PostgreSQL cluster is started for the
# store tests (scripts/ci-postgres) and stopped afterwards. The tests run in TEST_WORKERS processes
# (pytest-xdist), a test file per process at a time; TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadfile
test: $(STAMP)
	@if [ -n "$$VIGIL_TEST_POSTGRES" ]; then $(BIN)/python -m pytest $(PYTEST_ARGS); \
	else bash scripts/ci-postgres $(BIN)/python -m pytest $(PYTEST_ARGS); fi; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check vigil tests
	$(BIN)/ruff format --check vigil tests
	$(BIN)/mypy

FUZZ_SECONDS ?= 1800
fuzz: $(STAMP)  # coverage-guided fuzzing of the readers (not in CI): make fuzz FUZZ_SECONDS=1800
	$(BIN)/python -m pip install --quiet "atheris==2.3.0"
	$(BIN)/python scripts/fuzz-readers -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=3072 -print_final_stats=1

clean-demo:
	rm -f $(DB) $(DB)-wal $(DB)-shm
