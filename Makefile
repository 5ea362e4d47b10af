# Quickstart: `make demo` screens the bundled examples, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out/demo

.PHONY: demo test lint bench examples golden model clean

$(VENV)/.base: pyproject.toml hatch_build.py pipeline/_native.c pipeline/_objects.c
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.base
	$(PY) -m pipeline screen examples/resumes --job examples/jobs/ml-engineer.yaml --out $(OUT)
	@echo "Report: $(OUT)/report.html (open it in a browser); data: $(OUT)/shortlist.csv, $(OUT)/shortlist.json"

test: $(VENV)/.dev
	@start=$$(date +%s); $(PY) -m pytest -q tests --nbmake notebooks; rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$rc

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check pipeline tests benchmarks hatch_build.py
	$(VENV)/bin/ruff format --check pipeline tests benchmarks hatch_build.py
	$(VENV)/bin/mypy

bench: $(VENV)/.dev
	$(PY) benchmarks/throughput.py

golden: $(VENV)/.dev  # after an intended change of output only
	$(PY) tests/golden/regenerate.py

model: $(VENV)/.dev  # retrain the competency model on ../shared/data (set VERSION)
	$(PY) -m pipeline.skills.learn --out models/competency/$(VERSION) --version $(VERSION)

examples: $(VENV)/.dev
	$(PY) examples/make_examples.py

clean:
	rm -rf $(VENV) out .pytest_cache pipeline/_native.so pipeline/_objects.*.so
