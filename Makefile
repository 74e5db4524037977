# Two commands on a fresh machine: `make brief` (the main job) and `make test`.
# Both create or update the virtualenv at .venv and install what they need.
# While working: `make check` (lint, types and the tests not marked slow, in parallel).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SERVER_STAMP := $(VENV)/.installed-server
PARAMS ?= reports/params/default.yaml

.PHONY: venv brief test lab lint check bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# llama-cpp-python compiles llama.cpp from its source distribution (a few minutes
# on 2 cores the first time; pip's wheel cache makes later installs fast).
$(SERVER_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[server,test]'
	touch $@

venv: $(STAMP)

# Debian's chromium for the browser tests (the offline brief check and the
# JupyterLab test). Installed only when missing; needs root, as in CI.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core; \
	  else echo "chromium is missing: run 'sudo apt-get update && sudo apt-get install -y chromium'" >&2; exit 1; fi; \
	fi

brief: $(STAMP)
	$(PY) -m analysis brief -f $(PARAMS)

test: $(SERVER_STAMP) system-deps
	$(PY) -m pytest

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# Ruff over everything; mypy over the package and the panels ([tool.mypy] in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check analysis widgets tests bench tools
	$(VENV)/bin/ruff format --check analysis widgets tests bench tools
	$(VENV)/bin/mypy

# The fast loop: lint, types, then every test not marked slow (servers, browsers,
# notebooks, subprocesses), spread over the CPUs. Under a minute on 2 cores.
check: lint
	$(PY) -m pytest -m "not slow" -q -n auto

bench: $(SERVER_STAMP)
	for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf build .pytest_cache .mypy_cache test-artifacts
