# Two commands on a fresh machine: `make run` and `make test`. Both create .venv and install
# the pinned dependencies (requirements.lock) once; later runs skip the install when neither
# requirements.lock nor pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow lint bench lock clean-index

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tuireader $(ARGS)

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check tuireader tests benchmarks
	$(BIN)/ruff format --check tuireader tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_index.py

lock:
	{ echo '# Pinned dependencies (runtime + test tools). Regenerate with: make lock'; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^tuireader'; } > requirements.lock

clean-index:
	rm -rf indexes/*/
