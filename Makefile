# The two commands of the README:
#   make build   builds the default content: check, score tables, site, PDF (build.py all puts a copy of the PDF in the site)
#   make test    runs the whole test suite (pytest, with mypy and ruff inside)
# And for an intranet machine without a Python package index:
#   make bundle  writes dist/zwgk-assessment-offline.tar: the project and every wheel it installs
PY := .venv/bin/python

.PHONY: setup setup-test build test serve bench bundle fresh-check

setup:
	bash scripts/setup.sh

# the tests also open what the project writes in LibreOffice (headless): installed for them alone
setup-test:
	bash scripts/setup.sh --test

build: setup
	$(PY) build.py all

# over the machine's cores; a test file runs whole in one worker, so its module-wide builds are made once;
# in the order tests/conftest.py gives (the heaviest files first, docs/testing.md), not xdist's own;
# with Python's bytecode cache on even where the environment turns it off (PYTHONDONTWRITEBYTECODE): the
# suite starts hundreds of Python processes, and each one compiled the project's modules again (docs/testing.md)
test: setup-test
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n auto --dist loadfile --no-loadscope-reorder

serve: setup
	$(PY) build.py serve

bench: setup
	$(PY) bench/bench_score.py
	$(PY) bench/bench_site.py
	$(PY) bench/bench_incremental.py
	$(PY) bench/bench_preview.py
	$(PY) bench/bench_pdf.py
	$(PY) bench/bench_pdf_parallel.py
	$(PY) bench/bench_start.py
	$(PY) bench/bench_leaks.py
	$(PY) bench/bench_edition.py

bundle: setup
	bash scripts/bundle.sh

# The README's commands on freshly installed Debian 12 and 13, and offline (as root; see docs/setup.md)
fresh-check:
	bash scripts/fresh-check.sh
