# riskaudit — the two commands a newcomer needs are `make demo` and `make test`;
# both create the virtual environment and install the project first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: install demo test test-fast lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,js]'
	touch $(STAMP)

# bench only: trafilatura, the reference extractor bench/bench_extract_compare.py compares with
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e '.[bench]'
	touch $(BENCH_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/riskaudit demo --out demo-out

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .

eval: $(STAMP)
	$(BIN)/python eval/run_eval.py

bench: $(BENCH_STAMP)
	@mkdir -p bench/results
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit $$?; done

clean:
	rm -rf $(VENV) demo-out bench/results *.egg-info
