# Everything bootstraps a local virtual environment in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean-index venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/ipcorpus ingest sample_corpus
	$(BIN)/ipcorpus stance sample_corpus --evidence 1

test: $(STAMP)
	$(BIN)/python -m pytest -q

# ruff (rules and the complexity limit in pyproject.toml) over the repository, mypy over
# ipcorpus/; both always run, and lint fails if either finds anything.
lint: $(STAMP)
	$(BIN)/ruff check; status=$$?; $(BIN)/mypy && exit $$status

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean-index:
	rm -rf sample_corpus/.ipcorpus
