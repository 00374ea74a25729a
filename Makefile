# Two commands matter: `make book` builds the website, `make test` runs every
# check. Both create the virtual environment .venv when it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book
# The book's matrices are small: one BLAS thread is faster than two that
# compete for the cores, and results do not depend on thread scheduling.
export OPENBLAS_NUM_THREADS ?= 1

NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg

.PHONY: help venv book pdf test lint pytest book-strict publish-check lab \
        execute bench mutate clean

help:
	@echo "make book   set up .venv and build the website in _build/html"
	@echo "make pdf    build the book as one PDF (_build/why-relus-die.pdf)"
	@echo "            and each chapter as its own (_build/pdf/)"
	@echo "make test   lint, unit tests, nbval (strict), a strict build, then"
	@echo "            the PDF and the website in Chromium (publish-check)"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make execute re-run every notebook in place (after editing code)"
	@echo "make bench  print the timing table (benchmarks/run.py)"
	@echo "make mutate mutation testing of the unit tests (tools/mutate.py)"

venv: $(STAMP)

# requirements.txt is what a reader needs (and installs relu_notes in
# editable mode); requirements-dev.txt adds building and testing.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip check
	touch $(STAMP)

# The website. Notebooks are executed during the build (execute: force).
book: $(STAMP)
	$(JB) build . -W -n --keep-going

# The chapters' own code too: ruff reads notebooks (the rules for them are
# in pyproject.toml, [tool.ruff.lint.per-file-ignores]).
lint: $(STAMP)
	$(BIN)/ruff check relu_notes tests benchmarks tools conftest.py \
	    chapters

# Unit tests and every notebook under chapters/ in strict nbval mode, in
# one pytest session (tests/publish is not collected: see publish-check),
# spread over the cores one file at a time (each notebook in one kernel).
pytest: $(STAMP)
	$(BIN)/python -m pytest tests chapters $(NBVAL) -q -n auto \
	    --dist loadfile

# A full rebuild (--all) so every notebook is executed against today's code.
book-strict: $(STAMP)
	$(JB) build . --all -W -n --keep-going

# The PDF through XeLaTeX, copied into _build/html for the download button.
# After `make book` it reuses that build's executed notebooks.
pdf: $(STAMP)
	$(BIN)/python tools/build_pdf.py

# Over the built website: builds the PDF and checks it, then loads every
# page in Chromium (Playwright). Screenshots: tests/artifacts/screenshots/.
publish-check: $(STAMP)
	$(BIN)/python -m pytest tests/publish -q

test: lint pytest book-strict publish-check

# JupyterLab refuses to run as root unless told; containers often are root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_ROOT) $(LAB_ARGS) chapters

# For authors: execute every notebook in place and store its outputs.
execute: $(STAMP)
	$(BIN)/python tools/execute.py chapters/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Mutation testing of the unit tests (a few minutes; not part of `test`):
# one realistic bug at a time in relu_notes, `pytest tests -x` each time.
mutate: $(STAMP)
	$(BIN)/python tools/mutate.py

clean:
	rm -rf _build
