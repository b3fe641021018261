# dbops.patching — the two commands a newcomer needs:
#   make demo   start the simulator and run the safe-patch playbook over a fleet
#   make test   sanity, unit (with coverage), simulator and integration tests on ansible-core 2.19,
#               plus sanity and units on 2.16 (oldest) and 2.21 (newest), ansible-lint and a build
#   make bench  the benchmarks in bench/ (results in bench/results/)
# Everything is installed into virtual environments under this directory.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# The first of these that really runs (a pyenv shim may exist for a version that is not selected).
find_python = $(shell for p in $(1); do "$$p" -c 'import sys' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
PYTHON ?= $(call find_python,python3.11 $(wildcard $(HOME)/.pyenv/versions/3.11.*/bin/python3.11) python3)
PYTHON312 ?= $(call find_python,$(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12) python3.12)
VENV := .venv
VENV216 := .venv-2.16
VENV221 := .venv-2.21
BUILD := $(CURDIR)/build
COLL := $(BUILD)/ansible_collections/dbops/patching
COVERAGE_MIN := 90

.PHONY: help test demo venv copy sanity units coverage simulator integration compat lint build bench clean

help:
	@echo "make demo   # simulator + playbooks/safe_patch.yml over 12 simulated instances, then the report"
	@echo "make test   # sanity, units + coverage, integration, compat (2.16, 2.21), lint, build"

$(VENV)/.installed: tests/requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r tests/requirements-dev.txt
	bash tests/utils/install_get_pip.sh $(VENV)
	touch $@

venv: $(VENV)/.installed

$(VENV216)/.installed:
	test -x $(VENV216)/bin/python || $(PYTHON) -m venv $(VENV216)
	$(VENV216)/bin/python -m pip install --quiet 'ansible-core==2.16.19' requests==2.34.2
	bash tests/utils/install_get_pip.sh $(VENV216)
	touch $@

$(VENV221)/.installed:
	test -x $(VENV221)/bin/python || $(PYTHON312) -m venv $(VENV221)
	$(VENV221)/bin/python -m pip install --quiet 'ansible-core==2.21.5' requests==2.34.2
	bash tests/utils/install_get_pip.sh $(VENV221)
	touch $@

copy:
	bash tests/utils/collection_copy.sh $(BUILD) >/dev/null

sanity: venv copy
	bash tests/utils/sanity.sh $(CURDIR)/$(VENV) $(COLL) 3.11

units: venv copy
	cd $(COLL) && $(CURDIR)/$(VENV)/bin/ansible-test units --venv --python 3.11 --color no

coverage: venv copy
	cd $(BUILD) && PYTHONPATH=$(BUILD) $(CURDIR)/$(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  --cov=ansible_collections/dbops/patching/plugins/module_utils --cov-branch --cov-report=term-missing \
	  --cov-fail-under=$(COVERAGE_MIN) ansible_collections/dbops/patching/tests/unit

simulator: venv
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/simulator

integration: venv copy
	bash tests/utils/with_simulator.sh $(VENV)/bin/python $(COLL) \
	  bash -c 'cd $(COLL) && $(CURDIR)/$(VENV)/bin/ansible-test integration --venv --python 3.11 --requirements --color no'

compat: venv copy $(VENV216)/.installed
	bash tests/utils/sanity.sh $(CURDIR)/$(VENV216) $(COLL) 3.11
	cd $(COLL) && $(CURDIR)/$(VENV216)/bin/ansible-test units --venv --python 3.11 --color no
	if [ -z "$(PYTHON312)" ]; then echo "SKIPPED: ansible-core 2.21 needs Python 3.12, none found"; exit 0; fi; \
	  $(MAKE) --no-print-directory $(VENV221)/.installed && \
	  bash tests/utils/sanity.sh $(CURDIR)/$(VENV221) $(COLL) 3.12 && \
	  (cd $(COLL) && $(CURDIR)/$(VENV221)/bin/ansible-test units --venv --python 3.12 --color no)

lint: venv copy
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) $(CURDIR)/$(VENV)/bin/ansible-lint --profile production roles/ playbooks/
	cd $(COLL) && $(CURDIR)/$(VENV)/bin/antsibull-changelog lint

build: venv copy
	rm -rf $(BUILD)/dist $(BUILD)/installed && mkdir -p $(BUILD)/dist $(BUILD)/installed
	cd $(COLL) && $(CURDIR)/$(VENV)/bin/ansible-galaxy collection build --output-path $(BUILD)/dist
	$(VENV)/bin/ansible-galaxy collection install --offline -p $(BUILD)/installed $(BUILD)/dist/dbops-patching-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(VENV)/bin/ansible-doc dbops.patching.patch_apply >/dev/null
	@echo "built and installed: $$(ls $(BUILD)/dist)"

test: sanity coverage units simulator integration compat lint build
	@echo "make test: all passed"

demo:
	bash tests/utils/demo.sh

bench: venv
	$(VENV)/bin/python bench/bench_simulator.py
	$(VENV)/bin/python bench/bench_wait.py

clean:
	rm -rf $(BUILD) tests/output reports
