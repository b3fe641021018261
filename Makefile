# dbops.patching — the two commands a newcomer needs:
#   make demo   start the simulator and run the safe-patch playbook over a fleet
#   make test   every check below, one after another, with a timed summary at the end
# One check at a time:
#   make sanity       ansible-test sanity, ansible-core 2.19, Python 3.11 (fails if no file was tested)
#   make coverage     unit tests under pytest with branch coverage of plugins/module_utils (>= 90 %)
#   make units        ansible-test units --venv, ansible-core 2.19, Python 3.11
#   make simulator    the simulator's own tests (with the clouds' own SDKs, installed from PyPI: required under CI),
#                     then the simulator as users install it (pip install tests/simulator
#                     into a fresh venv: its pytest plugin, its command and the Containerfile's entry point)
#   make faults       the fault matrix (faults x modules, live against the simulator) and a 40-instance fleet run
#                     of playbooks/safe_patch.yml under injected 503s and lost answers
#   make integration  ansible-test integration against a running simulator
#   make compat       sanity + units on ansible-core 2.16 (Python 3.11) and 2.21 (Python 3.12)
#   make lint         ansible-lint --profile production (roles/, playbooks/, galaxy.yml, meta/, changelog),
#                     antsibull-changelog lint, antsibull-docs lint-collection-docs
#   make build        ansible-galaxy collection build + install into a temp dir, ansible-doc of it,
#                     ansible-builder create of docs/awx/execution-environment.yml
#   make docs         the module and role pages (antsibull-docs + Sphinx) in build/docsite/build/html
#   make bench        the benchmarks in bench/ (results in bench/results/)
# Everything is installed into virtual environments under this directory (.venv*); ansible-test
# runs on a copy in build/ansible_collections/dbops/patching that is its own git work tree.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# The first candidate that really runs (a pyenv shim may exist for a version that is not selected).
find_python = $(shell for p in $(1); do "$$p" -c 'import sys' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
PYTHON ?= $(call find_python,python3.11 $(wildcard $(HOME)/.pyenv/versions/3.11.*/bin/python3.11) python3)
PYTHON312 ?= $(call find_python,python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12))
VENV := $(CURDIR)/.venv
VENV216 := $(CURDIR)/.venv-2.16
VENV221 := $(CURDIR)/.venv-2.21
VENVDOCS := $(CURDIR)/.venv-docs
VENVIMPORTER := $(CURDIR)/.venv-importer
BUILD := $(CURDIR)/build
COLL := $(BUILD)/ansible_collections/dbops/patching
COVERAGE_MIN := 90
UTILS := $(CURDIR)/tests/utils

.PHONY: help test demo venv copy sanity coverage units simulator faults integration compat compat-2.16 docs \
	compat-2.21 lint build bench clean distclean

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# --- virtual environments ------------------------------------------------------------------

$(VENV)/.installed: tests/requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "ERROR: no python3.11 (or python3) found" >&2; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

$(VENV216)/.installed: tests/utils/requirements-core-2.16.txt
	@test -n "$(PYTHON)" || { echo "ERROR: no python3.11 (or python3) found" >&2; exit 1; }
	test -x $(VENV216)/bin/python || $(PYTHON) -m venv $(VENV216)
	$(VENV216)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/utils/requirements-core-2.16.txt
	touch $@

$(VENV221)/.installed: tests/utils/requirements-core-2.21.txt
	test -x $(VENV221)/bin/python || $(PYTHON312) -m venv $(VENV221)
	$(VENV221)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/utils/requirements-core-2.21.txt
	touch $@

$(VENVIMPORTER)/.installed: tests/utils/requirements-importer.txt
	test -x $(VENVIMPORTER)/bin/python || $(PYTHON) -m venv $(VENVIMPORTER)
	$(VENVIMPORTER)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/utils/requirements-importer.txt
	touch $@

$(VENVDOCS)/.installed: tests/utils/requirements-docs.txt
	test -x $(VENVDOCS)/bin/python || $(PYTHON) -m venv $(VENVDOCS)
	$(VENVDOCS)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/utils/requirements-docs.txt
	touch $@

# ansible-test would download get-pip.py (unreachable here); put the offline stand-in where it
# looks first. Done on every run: CI may start with an empty HOME.
getpip = bash $(UTILS)/install_get_pip.sh $(1)

# The copy in build/ (git-ignored) gets its own repository: collection_copy.sh runs `git init` in it, since
# ansible-test lists files through git and would otherwise skip every file (sanity.sh fails on that, too).
copy:
	bash $(UTILS)/collection_copy.sh $(BUILD) >/dev/null

# --- checks ----------------------------------------------------------------------------------

sanity: venv copy
	$(call getpip,$(VENV))
	bash $(UTILS)/sanity.sh $(VENV) $(COLL) 3.11

coverage: venv copy
	cd $(BUILD) && PYTHONPATH=$(BUILD) $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  --cov=ansible_collections/dbops/patching/plugins/module_utils --cov-branch --cov-report=term-missing \
	  --cov-fail-under=$(COVERAGE_MIN) ansible_collections/dbops/patching/tests/unit

units: venv copy
	$(call getpip,$(VENV))
	cd $(COLL) && $(VENV)/bin/ansible-test units --venv --python 3.11 --color no

# With the api-docs pages at hand (shared/ beside the clone), also check the seed fixtures against them.
API_DOCS ?= $(firstword $(wildcard $(CURDIR)/../shared/api-docs))
simulator: venv copy
	$(if $(API_DOCS),DBOPS_API_DOCS=$(API_DOCS)) $(if $(CI),DBOPS_REQUIRE_SDKS=1) \
	  $(VENV)/bin/python -m pytest -q -p no:cacheprovider -rs tests/simulator
	bash $(UTILS)/simulator_package.sh $(PYTHON) $(VENV) $(BUILD)

faults: venv copy
	cd $(BUILD) && PYTHONPATH=$(BUILD) $(VENV)/bin/python -m pytest -q -p no:cacheprovider -rs \
	  ansible_collections/dbops/patching/tests/faults

integration: venv copy
	$(call getpip,$(VENV))
	bash $(UTILS)/with_simulator.sh $(VENV)/bin/python $(COLL) \
	  bash -c 'cd $(COLL) && $(VENV)/bin/ansible-test integration --venv --python 3.11 --requirements --color no'

compat: compat-2.16 compat-2.21

compat-2.16: copy $(VENV216)/.installed
	$(call getpip,$(VENV216))
	bash $(UTILS)/sanity.sh $(VENV216) $(COLL) 3.11
	cd $(COLL) && $(VENV216)/bin/ansible-test units --venv --python 3.11 --color no

# ansible-core 2.21 needs Python 3.12 on the controller: skipped (loudly) when there is none.
compat-2.21: copy
	@if [ -z "$(PYTHON312)" ]; then \
	  echo "**************************************************************************************"; \
	  echo "SKIPPED: ansible-core 2.21 sanity and units: no Python 3.12 found"; \
	  echo "         (looked for python3.12 on PATH and ~/.pyenv/versions/3.12.*/bin/python3.12)"; \
	  echo "**************************************************************************************"; \
	else \
	  $(MAKE) --no-print-directory $(VENV221)/.installed && \
	  $(call getpip,$(VENV221)) && \
	  bash $(UTILS)/sanity.sh $(VENV221) $(COLL) 3.12 && \
	  (cd $(COLL) && $(VENV221)/bin/ansible-test units --venv --python 3.12 --color no); \
	fi

# docs/awx/objects.yml uses awx.awx: taken from PyPI's `ansible` wheel (Galaxy is unreachable), then
# its syntax checked and its module arguments checked against awx.awx's own argument specs.
lint: venv copy
	bash $(UTILS)/awx_collection.sh $(BUILD)/awx $(VENV)/bin/pip
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD):$(BUILD)/awx $(VENV)/bin/ansible-playbook --syntax-check \
	  -i localhost, docs/awx/objects.yml
	cd $(COLL) && PYTHONPATH=$(BUILD)/awx $(VENV)/bin/python $(UTILS)/check_awx_objects.py docs/awx/objects.yml
	cd $(COLL) && PATH=$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD):$(BUILD)/awx \
	  $(VENV)/bin/ansible-lint --profile production --nocolor
	cd $(COLL) && $(VENV)/bin/antsibull-changelog lint
	cd $(COLL) && PATH=$(VENV)/bin:$$PATH $(VENV)/bin/antsibull-docs lint-collection-docs --plugin-docs .
	@echo "lint: ansible-lint (production), antsibull-changelog and antsibull-docs passed"

# The module and role pages, generated from the plugins' own documentation (antsibull-docs + Sphinx).
# Offline, the intersphinx inventories of docs.ansible.com cannot be reached: built without -W.
docs: copy $(VENVDOCS)/.installed
	rm -rf $(BUILD)/docsite && mkdir -p $(BUILD)/docsite
	cd $(COLL) && ANSIBLE_COLLECTIONS_PATH=$(BUILD) $(VENVDOCS)/bin/antsibull-docs sphinx-init --use-current \
	  --dest-dir $(BUILD)/docsite dbops.patching >/dev/null
	sed -i 's/ -W --keep-going//' $(BUILD)/docsite/build.sh
	cd $(BUILD)/docsite && PATH=$(VENVDOCS)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD) bash build.sh >build.log 2>&1 \
	  || { tail -n 30 $(BUILD)/docsite/build.log; exit 1; }
	test -s $(BUILD)/docsite/build/html/collections/dbops/patching/patch_apply_module.html
	test -s $(BUILD)/docsite/build/html/collections/dbops/patching/safe_patch_role.html
	test -s $(BUILD)/docsite/build/html/collections/dbops/patching/docsite/guide_otc.html
	@echo "docs: $(BUILD)/docsite/build/html/index.html"

build: venv copy $(VENVIMPORTER)/.installed
	rm -rf $(BUILD)/dist $(BUILD)/installed && mkdir -p $(BUILD)/dist $(BUILD)/installed
	cd $(COLL) && $(VENV)/bin/ansible-galaxy collection build --output-path $(BUILD)/dist
	$(VENV)/bin/ansible-galaxy collection install --offline -p $(BUILD)/installed $(BUILD)/dist/dbops-patching-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(VENV)/bin/ansible-doc dbops.patching.patch_apply >/dev/null
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(VENV)/bin/ansible-doc -t role dbops.patching.safe_patch >/dev/null
	rm -rf $(BUILD)/ee-context
	cd docs/awx && $(VENV)/bin/ansible-builder create -f execution-environment.yml -c $(BUILD)/ee-context >/dev/null
	test -s $(BUILD)/ee-context/Containerfile -o -s $(BUILD)/ee-context/Dockerfile
	bash $(UTILS)/galaxy_importer.sh $(VENVIMPORTER) $$(ls $(BUILD)/dist/dbops-patching-*.tar.gz)
	@echo "built and installed: $$(cd $(BUILD)/dist && ls); execution environment context: $(BUILD)/ee-context"

# Every check, keeping on after a failure; ends with "N passed, M failed" (make targets).
test:
	MAKE='$(MAKE)' bash $(UTILS)/run_targets.sh sanity coverage units simulator faults integration compat-2.16 compat-2.21 lint docs build

# --- the rest ----------------------------------------------------------------------------------

demo:
	bash tests/utils/demo.sh

bench: venv
	$(VENV)/bin/python bench/bench_schedule.py --seeds 7-16
	$(VENV)/bin/python bench/bench_fleet.py
	$(VENV)/bin/python bench/bench_simulator.py
	$(VENV)/bin/python bench/bench_wait.py
	$(VENV)/bin/python bench/bench_task.py
	$(VENV)/bin/python bench/bench_clouds.py
	$(VENV)/bin/python bench/bench_mixed.py
	$(VENV)/bin/python bench/report.py

clean:
	rm -rf $(BUILD) tests/output reports importer_result.json tests/integration/integration_config.yml .coverage

distclean: clean
	rm -rf .venv .venv-2.16 .venv-2.21 .venv-demo .venv-docs .venv-importer
