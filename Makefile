# Forecast Studio: the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The CPU build of PyTorch, installed before everything else so pip never pulls CUDA.
TORCH_SPEC ?= torch==2.13.0
# Elsewhere, point pip at PyTorch's CPU wheels: make run TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
TORCH_INDEX_URL ?=

.PHONY: setup run dev test test-integration lint pytest browser bench mlflow-ui clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL)) "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/gunicorn --config gunicorn.conf.py app:server

# Flask's development server with the debugger: for development only.
dev: setup
	$(BIN)/flask --app app run --debug --host 127.0.0.1 --port 8050

browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else \
		echo "Browser tests need Chromium and its driver. Run:"; \
		echo "  sudo apt-get install -y chromium chromium-driver"; \
		exit 1; \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Two processes, a test file each at a time (most tests wait on a browser or a job).
PYTEST_PARALLEL ?= -n 2 --dist loadfile

pytest: setup browser
	$(BIN)/pytest $(PYTEST_PARALLEL)

test: lint pytest

# The PostgreSQL server test-integration makes its throwaway databases on (fs_test_…).
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The tests of the database, the jobs and the API, run again on PostgreSQL.
DATABASE_TESTS ?= tests/services/test_db.py tests/services/test_jobs.py \
	tests/services/test_runner.py tests/services/test_users.py \
	tests/services/test_datasets.py tests/services/test_versions.py \
	tests/api tests/auth tests/callbacks

# Needs the real PostgreSQL and Redis (.ci/run starts them when they are not running);
# then the whole-path browser walk-throughs.
test-integration: setup browser
	FORECAST_STUDIO_TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m integration
	FORECAST_STUDIO_TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_PARALLEL) $(DATABASE_TESTS)
	$(BIN)/pytest $(PYTEST_PARALLEL) -m walkthrough

# The MLflow UI on the app's store (MLFLOW_TRACKING_URI, a SQLite file in DATA_DIR by
# default, or a PostgreSQL database): an operator's tool, on 127.0.0.1:5000.
mlflow-ui: setup
	$(BIN)/mlflow ui --backend-store-uri "$$($(BIN)/python -c 'from services.tracking import tracking_uri; print(tracking_uri())')" --host 127.0.0.1 --port 5000

# Timing targets live here, never in tests; results go in benchmarks/README.md.
bench: setup
	PYTHONPATH=. $(BIN)/python benchmarks/ingest.py
	PYTHONPATH=. $(BIN)/python benchmarks/uploads.py
	PYTHONPATH=. $(BIN)/python benchmarks/cleaning.py
	PYTHONPATH=. $(BIN)/python benchmarks/background.py
	PYTHONPATH=. $(BIN)/python benchmarks/analysis.py
	PYTHONPATH=. $(BIN)/python benchmarks/accuracy.py
	PYTHONPATH=. $(BIN)/python benchmarks/replay.py
	PYTHONPATH=. $(BIN)/python benchmarks/models.py
	PYTHONPATH=. $(BIN)/python benchmarks/reports.py
	PYTHONPATH=. $(BIN)/python benchmarks/deep.py
	PYTHONPATH=. $(BIN)/python benchmarks/gauntlet.py
	PYTHONPATH=. $(BIN)/python benchmarks/latency.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
