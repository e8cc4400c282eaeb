# Two commands on a fresh machine: `make run` and `make test`. Both create .venv and install
# the pinned dependencies (requirements.lock) once; later runs skip the install when neither
# requirements.lock nor pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pipefail: the install's progress goes through a filter, and a failed install must still fail.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
PIP := $(BIN)/python -m pip --disable-pip-version-check
# One line per package while installing (pip's own output is pages of it). `|| true`: when
# everything is installed already grep matches nothing, which must not fail the install
# under pipefail (pip's own failure still does).
PROGRESS := { grep --line-buffered -E '^(Collecting|Installing collected|Successfully installed|ERROR)' || true; } | sed -u -e 's/^Collecting /  fetching /' -e 's/ (from -r requirements.lock (line [0-9]*))//' -e 's/^Successfully installed .*/  all packages installed/' -e 's/^Installing collected packages:.*/  unpacking and installing (torch and spaCy take a minute or two)…/'

.PHONY: run test test-slow lint bench lock clean-index

$(STAMP): requirements.lock pyproject.toml
	@echo "tuireader: first run — creating $(VENV) and installing the pinned dependencies"
	@echo "tuireader: (the spaCy model, the sentence model and CPU torch: a few minutes; later runs skip this)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -r requirements.lock 2>&1 | $(PROGRESS)
	@echo "tuireader: installing tuireader itself (editable)"
	@$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)
	@echo "tuireader: dependencies installed"

run: $(STAMP)
	@# Bytecode written once: where PYTHONDONTWRITEBYTECODE is set, every start would compile.
	@$(BIN)/python -m compileall -q tuireader
	@echo "tuireader: opening the app (the search index is built on first use)"
	$(BIN)/tuireader $(ARGS)

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check tuireader tests benchmarks
	$(BIN)/ruff format --check tuireader tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_index.py

lock:
	{ echo '# Pinned dependencies (runtime + test tools). Regenerate with: make lock'; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^tuireader'; } > requirements.lock

clean-index:
	rm -rf indexes/*/
