# Quickstart: `make demo` screens the bundled examples, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out/demo

.PHONY: demo test lint bench examples golden clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.base
	$(PY) -m pipeline screen examples/resumes --job examples/jobs/ml-engineer.yaml --out $(OUT)
	@echo "Shortlist written to $(OUT)/shortlist.csv and $(OUT)/shortlist.json"

test: $(VENV)/.dev
	$(PY) -m pytest -q tests --nbmake notebooks

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check pipeline tests benchmarks
	$(VENV)/bin/ruff format --check pipeline tests benchmarks

bench: $(VENV)/.dev
	$(PY) benchmarks/throughput.py

golden: $(VENV)/.dev  # after an intended change of output only
	$(PY) tests/golden/regenerate.py

examples: $(VENV)/.dev
	$(PY) examples/make_examples.py

clean:
	rm -rf $(VENV) out .pytest_cache
