# Everything bootstraps a local virtual environment in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-dask eval clean-index venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/ipcorpus ingest sample_corpus
	$(BIN)/ipcorpus stance sample_corpus --evidence 1

# Two pytest-xdist workers, one per core of the 2-core machines CI runs on; each takes
# the next test as it finishes one (--dist load).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

# ruff (rules and the complexity limit in pyproject.toml) over the repository, mypy over
# ipcorpus/; both always run, and lint fails if either finds anything.
lint: $(STAMP)
	$(BIN)/ruff check; status=$$?; $(BIN)/mypy && exit $$status

# The stance figure: 10-fold cross-validation on ../shared/stance_dev (a row per
# article, the confusion matrix, the totals), then the scores on ../shared/real_pages.
eval: $(STAMP)
	$(BIN)/python tools/stance_model.py cv
	@if [ -x ../shared/eval/run ]; then ../shared/eval/run | tail -7; fi

# The speed table (bench/run.py), then the same analysis on a Dask LocalCluster
# (bench/cluster.py, the bench-dask target alone).
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/cluster.py

# --scheduler on a LocalCluster of this machine: throughput with 1 and 2 workers, the
# client's cost per article, growth from 2,000 to 20,000 articles (bench/cluster.py).
bench-dask: $(STAMP)
	$(BIN)/python bench/cluster.py

clean-index:
	rm -rf sample_corpus/.ipcorpus
