# Two set-up commands for a fresh machine (see README):
#   make example   install the core, then analyse the bundled example article
#   make test      install with the development tools and the extras the tests use, then lint,
#                  type-check and run the tests
# PyTorch, Ray and Playwright are not in `make test`: their tests run where they are installed and
# are skipped with a message where not, except in CI (.ci/run runs `make test-extras` first).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
EXAMPLE ?= ../shared/examples/presstv-2018-idlib.txt
# PyTorch for the train extra, pinned to a CPU build (a local "+cpu" version never resolves to a
# CUDA build of several GB). Where the package index lacks it (standard PyPI):
#   make test-extras TORCH="torch --index-url https://download.pytorch.org/whl/cpu"
TORCH ?= torch==2.13.0+cpu

.PHONY: example test test-extras lint typecheck pytest schema calibrate bench bench-scaling bench-tagger bench-claims bench-web bench-factchecks bench-corpus clean

# Installation talks on stderr, so that `make example` prints only the analysis on stdout.
$(BIN)/python:
	@echo "creating $(VENV)" >&2
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip >&2

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "installing claimscope into $(VENV)" >&2
	@$(BIN)/pip install --quiet -e . >&2
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "installing claimscope with the development tools into $(VENV)" >&2
	@$(BIN)/pip install --quiet -e '.[dev]' >&2
	@touch $(VENV)/.installed $@

# The packages of the remaining tests: training (PyTorch's CPU build first, so that the train extra
# finds it installed), the Ray engine, and the browser tests (Playwright drives Debian's chromium).
test-extras: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[dev,train,ray]' playwright

example: $(VENV)/.installed
	@$(BIN)/claimscope analyze $(EXAMPLE) --format json

test: $(VENV)/.installed-dev lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

schema: $(VENV)/.installed
	$(BIN)/python -c "from claimscope.model import json_schema_text; open('src/claimscope/schema/analysis.schema.json', 'w').write(json_schema_text())"

# Per-rule confidence of the attribution analyzer, measured on PolNeAR's training split.
calibrate: $(VENV)/.installed-dev
	$(BIN)/claimscope eval attribution --polnear ../shared/data/polnear/train --rules-out src/claimscope/analyzers/attribution/confidence.json

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_ingest.py

# A full analysis with the learned technique tagger against bare spaCy (issue 19; needs a tagger
# trained with claimscope train techniques).
bench-tagger: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_tagger.py --json benchmarks/results/tagger.json

bench-claims: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_claims.py --json benchmarks/results/claims.json

# Analysis time as one article grows to 1k, 4k and 16k sentences, next to bare spaCy (issue 17).
bench-scaling: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_scaling.py --json benchmarks/results/scaling.json

# Analyse-and-render of the example article through the web app (warm, best of 5).
bench-web: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_web.py --json benchmarks/results/web.json

# Matching 1,000 FA-KES sentences against 10,000 CheckThat fact-checks (index build timed apart).
bench-factchecks: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_factchecks.py --json benchmarks/results/factchecks.json

# Corpus runs (1 and 2 processes) vs bare spaCy, store inserts, search latency, and cluster building
# at 1k/5k/20k articles (replicated FA-KES). BENCH_POSTGRES=postgresql://... adds a PostgreSQL store
# (a fresh schema in that database, dropped at the end). About 15 minutes on 2 idle cores.
BENCH_POSTGRES ?=
bench-corpus: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_corpus.py --json benchmarks/results/corpus.json \
		--svg docs/img/corpus-growth.svg $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
