# placenorm — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?= data
PORT ?= 50051
WORKERS ?= 2

.PHONY: run test bench proto lint format install snapshot soak clean node-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Build the default snapshot if missing or stale, then serve on 127.0.0.1:$(PORT)
## with $(WORKERS) processes sharing the port (measured fastest on 2 cores; README).
run: install
	$(VENV)/bin/placenorm serve --host 127.0.0.1 --port $(PORT) --data-dir $(DATA_DIR) --workers $(WORKERS)

## The default snapshot and its precomputed answers (each rebuilt only when stale).
snapshot: install
	$(PY) -c "from normalizer.build import ensure_default; print(ensure_default('$(DATA_DIR)'))"
	$(VENV)/bin/placenorm answers --data-dir $(DATA_DIR)

## Node.js client for the cross-language test (skipped, with a notice, where npm is absent).
node-deps:
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix tests/node >/dev/null; \
	else echo "npm not found: the Node.js client test will be skipped"; fi

## The whole suite (unit, property, integration with a real server and the real CLI).
test: install snapshot node-deps
	PLACENORM_TEST_SNAPSHOT=$(DATA_DIR)/default.snapshot $(PY) -m pytest -q

## Accuracy, speed and memory figures, printed as tables
## (BENCH_ARGS="--only accuracy,corpora" picks sections).
bench: install snapshot
	$(PY) -m tests.bench --data-dir $(DATA_DIR) $(BENCH_ARGS)

## Reliability soak (about 60 s at saturation with reloads).
soak: install snapshot
	$(PY) -m tests.bench.soak --data-dir $(DATA_DIR)

## Regenerate placenorm/v1/*_pb2*.py from proto/ (grpcio-tools pinned to the grpcio floor).
proto: install
	$(PY) -m grpc_tools.protoc -I proto --python_out=. --pyi_out=. --grpc_python_out=. \
		proto/placenorm/v1/placenorm.proto

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check normalizer gazetteer tests

format: install
	$(VENV)/bin/ruff format normalizer gazetteer tests

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache .ruff_cache
