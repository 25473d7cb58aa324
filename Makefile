# Two entry points: `make demo` and `make test` (see README). Everything else
# is a step they depend on. Variables can be overridden: make test TEST_DB=x.
SHELL := /bin/bash
PYTHON ?= python3
# Supported CKAN versions: 2.12 (default) and 2.11 (make test CKAN=2.11).
# Each version has its own virtualenv, databases and Redis databases: a database
# migrated by 2.12 cannot be opened by 2.11.
CKAN ?= 2.12
ifeq ($(CKAN),2.11)
VENV ?= .venv
DB_SUFFIX :=
else
VENV ?= .venv-$(CKAN)
DB_SUFFIX := _$(subst .,,$(CKAN))
endif
BIN := $(VENV)/bin
DB_ROLE ?= ckan
DB_PASSWORD ?= ckan
TEST_DB ?= ckan_test$(DB_SUFFIX)
DEMO_DB ?= ckan_demo$(DB_SUFFIX)
TEST_REDIS ?= redis://127.0.0.1:6379/$(if $(DB_SUFFIX),3,1)
DEMO_REDIS ?= redis://127.0.0.1:6379/$(if $(DB_SUFFIX),13,2)
DEMO_PORT ?= 5000
PYTEST_ARGS ?=
# DataStore: database <db>_datastore, written by one role, read by another
# (created by scripts/initdb.sh, permissions of `ckan datastore set-permissions`).
DATASTORE_WRITE_ROLE ?= datastore_rw
DATASTORE_WRITE_PASSWORD ?= datastore_rw
DATASTORE_READ_ROLE ?= datastore_ro
DATASTORE_READ_PASSWORD ?= datastore_ro
datastore_env = CKAN_DATASTORE_WRITE_URL=postgresql://$(DATASTORE_WRITE_ROLE):$(DATASTORE_WRITE_PASSWORD)@127.0.0.1:5432/$(1)_datastore \
	CKAN_DATASTORE_READ_URL=postgresql://$(DATASTORE_READ_ROLE):$(DATASTORE_READ_PASSWORD)@127.0.0.1:5432/$(1)_datastore \
	DATASTORE_WRITE_ROLE=$(DATASTORE_WRITE_ROLE) DATASTORE_WRITE_PASSWORD=$(DATASTORE_WRITE_PASSWORD) \
	DATASTORE_READ_ROLE=$(DATASTORE_READ_ROLE) DATASTORE_READ_PASSWORD=$(DATASTORE_READ_PASSWORD)
TESTS ?= tests/

TEST_ENV := CKAN_SQLALCHEMY_URL=postgresql://$(DB_ROLE):$(DB_PASSWORD)@127.0.0.1:5432/$(TEST_DB) \
	CKAN_REDIS_URL=$(TEST_REDIS) CKAN_STORAGE_PATH=$(CURDIR)/var/storage-$(TEST_DB) \
	$(call datastore_env,$(TEST_DB))
DEMO_ENV := CKAN_SQLALCHEMY_URL=postgresql://$(DB_ROLE):$(DB_PASSWORD)@127.0.0.1:5432/$(DEMO_DB) \
	CKAN_REDIS_URL=$(DEMO_REDIS) CKAN_STORAGE_PATH=$(CURDIR)/var/storage-$(DEMO_DB) \
	$(call datastore_env,$(DEMO_DB))

.PHONY: demo test install services browser test-db demo-db bench-db lint

REQS := requirements.txt requirements-dev.txt requirements-ckan$(CKAN).txt
$(VENV)/.installed: $(REQS) constraints-ckan$(CKAN).txt setup.py
	@test -f requirements-ckan$(CKAN).txt || { echo "CKAN $(CKAN) n'est pas prise en charge : CKAN=2.12 (défaut) ou CKAN=2.11"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check $(addprefix -r ,$(REQS)) -c constraints-ckan$(CKAN).txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
		-e . --config-settings editable_mode=compat
	@touch $@

install: $(VENV)/.installed
	@$(BIN)/python scripts/i18n.py >/dev/null

services:
	@bash scripts/services.sh

browser:
	@bash scripts/browser.sh

test-db: install services browser
	@mkdir -p var/storage-$(TEST_DB)
	@$(TEST_ENV) VENV_BIN=$(BIN) CKAN_DB_ROLE=$(DB_ROLE) CKAN_DB_PASSWORD=$(DB_PASSWORD) \
		bash scripts/initdb.sh test.ini $(TEST_DB)

demo-db: install services
	@mkdir -p var/storage-$(DEMO_DB)
	@$(DEMO_ENV) VENV_BIN=$(BIN) CKAN_DB_ROLE=$(DB_ROLE) CKAN_DB_PASSWORD=$(DB_PASSWORD) \
		bash scripts/initdb.sh config/demo.ini $(DEMO_DB)

bench-db: install services
	@$(TEST_ENV) VENV_BIN=$(BIN) CKAN_DB_ROLE=$(DB_ROLE) CKAN_DB_PASSWORD=$(DB_PASSWORD) \
		CKAN_SQLALCHEMY_URL=postgresql://$(DB_ROLE):$(DB_PASSWORD)@127.0.0.1:5432/ckan_bench$(DB_SUFFIX) \
		$(call datastore_env,ckan_bench$(DB_SUFFIX)) \
		bash scripts/initdb.sh test.ini ckan_bench$(DB_SUFFIX)

## make test: install everything, start services, run the whole suite.
test: test-db
	$(TEST_ENV) $(BIN)/pytest --ckan-ini=test.ini $(TESTS) $(PYTEST_ARGS)

## make demo: install everything, load demo data, serve http://localhost:5000.
demo: demo-db
	@$(DEMO_ENV) VENV_BIN=$(BIN) bash scripts/demo.sh config/demo.ini $(DEMO_PORT)

lint: install
	$(BIN)/ruff check ckanext tests benchmarks scripts
