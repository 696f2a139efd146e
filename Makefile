# Two commands set everything up on a fresh machine: `make deck` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every guide in content/ into output/, plus output/all-guides.apkg: the one file for a phone.
BUILD := $(BIN)/python build_deck.py build content --bundle all-guides

.PHONY: deck test lint bench screenshots format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

## deck: build output/ from content/, and the bundle output/all-guides.apkg
deck: $(STAMP)
	$(BUILD)

## test: install the test extras, then run the whole suite
test: $(VENV)/.installed-test
	$(BUILD)
	$(BIN)/python -m pytest

## lint: ruff, ruff format --check and mypy
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: speed and memory ratios, measured side by side in one run
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

## screenshots: PNGs of cards and the cheat sheet for the README
screenshots: $(VENV)/.installed-test
	$(BIN)/python tests/screenshots.py

clean:
	rm -rf output/* output/.cache
