# The two commands of the README:
#   make build   builds the default content: check, score tables, site, PDF
#   make test    runs the whole test suite (pytest, with mypy and ruff inside)
PY := .venv/bin/python

.PHONY: setup build test serve bench

setup:
	bash scripts/setup.sh

build: setup
	$(PY) build.py all

test: setup
	$(PY) -m pytest -q

serve: setup
	$(PY) build.py serve

bench: setup
	$(PY) bench/bench_score.py
	$(PY) bench/bench_site.py
	$(PY) bench/bench_pdf.py
	$(PY) bench/bench_pdf_parallel.py
	$(PY) bench/bench_start.py
	$(PY) bench/bench_leaks.py
