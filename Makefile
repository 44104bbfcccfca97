# Two commands do all set-up on a fresh machine: `make run` (site + worker + beat) and `make test` (the suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install system-deps messages compilemessages run run-redis test test-slow lint format bench bench-smoke clean

help:
	@echo "make run        set up everything and start web + worker + beat on http://127.0.0.1:8000/"
	@echo "make test       install dev dependencies, run ruff and the whole pytest suite"
	@echo "make messages   extract translatable strings into the nl/en catalogues"
	@echo "make bench      run the benchmarks and print the ratio table"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: system-deps $(STAMP)

# gettext (xgettext/msgfmt) is needed to extract strings; installed through apt when we may, else explained.
system-deps:
	@bash scripts/system-deps.sh

compilemessages: $(STAMP)
	$(PY) manage.py compile_catalogues

messages: install
	$(PY) manage.py makemessages -l nl -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=node_modules
	$(PY) manage.py fill_source_catalogue en
	$(PY) manage.py compile_catalogues

run: install compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_initial_data
	@echo "Starting web (http://127.0.0.1:8000/), worker and beat. Mail is written to var/mail/. Ctrl-C stops all."
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install compilemessages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	@PY=$(PY) bash scripts/with-test-services.sh $(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

test-slow: install compilemessages
	FUZZ_PROFILE=slow $(VENV)/bin/pytest -m slow -s $(PYTEST_ARGS)

bench: install compilemessages
	@BENCH=1 bash scripts/system-deps.sh
	PYTHONPATH=$(CURDIR) $(PY) -m bench

bench-smoke: install compilemessages
	PYTHONPATH=$(CURDIR) $(PY) -m bench --smoke

clean:
	rm -rf var .pytest_cache
