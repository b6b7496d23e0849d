# Two commands set kg up and check it (see README):
#   make run    virtual environment, install kg, build seeds/ into exports/
#   make test   the test suite (includes the answer-key gate)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test install bench corpus clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(BIN)/kg

install: $(BIN)/kg

run: install
	$(BIN)/kg build seeds --out exports

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_build.py

corpus: install
	$(BIN)/kg build ../shared/corpus --out /tmp/kg-corpus

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
