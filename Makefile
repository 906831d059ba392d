# Two commands on a fresh machine: `make run` and `make test`. Both create and use .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= .data
INDEX_STAMP := $(DATA_DIR)/.index-built
CORPUS := $(wildcard data/corpus/*.md data/corpus/*.txt data/corpus/*.docx)

.PHONY: install index run test lint bench eval raw-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

# Rebuilt when missing or older than any corpus file (or the corpus folder itself).
$(INDEX_STAMP): $(STAMP) $(CORPUS) data/corpus
	$(BIN)/python -m rag ingest
	mkdir -p $(DATA_DIR) && touch $@

index: $(INDEX_STAMP)

run: install index
	$(BIN)/streamlit run serve.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pytest exits 5 when it collects no test; that is reported, not treated as a crash.
test: lint
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

bench: install
	$(BIN)/python bench/bench_retrieval.py
	$(BIN)/python bench/bench_drafting.py
	$(BIN)/python bench/bench_app.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/fault_matrix.py

# The drafting quality report: data/eval/profiles.json drafted offline, findings by kind.
eval: install index
	$(BIN)/python -m rag eval
	$(BIN)/python -m rag raw-report data/raw

# The cleaning report beside it: what each rule removed from a folder of raw pages
# (RAW=folder, default data/raw), the documents and roles found, what stayed suspicious.
RAW ?= data/raw
raw-report: install
	$(BIN)/python -m rag raw-report $(RAW)

clean:
	rm -rf $(DATA_DIR) .pytest_cache
