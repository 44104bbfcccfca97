# Two commands do all set-up on a fresh machine: `make run` (site + worker + beat) and `make test` (the suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV := $(VENV)/bin/uv
# `make run PORT=8100`: the port of the site (mail links and the admin's base URL follow it)
PORT ?= 8000
VAR_DIR ?= var
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The lock files: every package pinned with its hashes, for Python 3.11 and newer on any platform.
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet

.PHONY: help install system-deps messages compilemessages run run-redis test test-slow lint format bench bench-smoke clean lock upgrade check-lock

help:
	@echo "make run        set up everything and start web + worker + beat on http://127.0.0.1:8000/ (PORT=8100 for another)"
	@echo "make lock       refresh requirements/*.txt after a change to pyproject.toml; make upgrade: newest allowed"
	@echo "make test       install dev dependencies, run ruff and the whole pytest suite"
	@echo "make messages   extract translatable strings into the nl/en catalogues"
	@echo "make bench      run the benchmarks and print the ratio table"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs exactly the locked versions (hash-checked), after checking that the lock matches pyproject.toml.
$(STAMP): pyproject.toml requirements/dev.txt requirements/production.txt | $(PY)
	@$(PY) scripts/check_lock.py
	@echo "installing the locked dependencies (requirements/dev.txt; details in $(VENV)/install.log)"
	@{ $(PY) -m pip install -q --upgrade pip \
		&& $(PY) -m pip install -q --require-hashes -r requirements/dev.txt \
		&& $(PY) -m pip install -q --no-deps -e . ; } > $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

check-lock: | $(PY)
	@$(PY) scripts/check_lock.py && echo "lock files match pyproject.toml"

# requirements/production.txt (the Dockerfile) and requirements/dev.txt (make run, make test), written by uv.
# `make lock` keeps every pinned version it can; `make upgrade` takes the newest that pyproject.toml allows
# (Wagtail stays on 8.0.x, so its security releases come in).
lock: | $(PY)
	@test -x $(UV) || $(PY) -m pip install -q "uv>=0.5,<1"
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) $(UPGRADE) -o requirements/production.txt
	$(UV) pip compile pyproject.toml --extra dev --constraint requirements/production.txt $(LOCK_FLAGS) $(UPGRADE) -o requirements/dev.txt
	@$(PY) scripts/check_lock.py && echo "lock files written; commit requirements/*.txt"

upgrade:
	$(MAKE) lock UPGRADE=--upgrade

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

# The first run says one line per step; the details of the migrations go to $(VAR_DIR)/migrate.log.
run: export SITE_BASE_URL ?= http://127.0.0.1:$(PORT)
run: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)
run: export VAR_DIR := $(VAR_DIR)
run: install compilemessages
	@mkdir -p $(VAR_DIR)
	@$(PY) manage.py migrate --noinput -v 1 > $(VAR_DIR)/migrate.log 2>&1 \
		&& echo "database: up to date (details in $(VAR_DIR)/migrate.log)" \
		|| { cat $(VAR_DIR)/migrate.log; exit 1; }
	@$(PY) manage.py load_initial_data
	@echo "Starting web on http://127.0.0.1:$(PORT)/ (English: http://127.0.0.1:$(PORT)/en/, admin: http://127.0.0.1:$(PORT)/admin/), worker and beat. Mail is written to $(VAR_DIR)/mail/. Ctrl-C stops all."
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start -p $(PORT)

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
