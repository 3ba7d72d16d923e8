# auto_service_debt: set-up, demo server, tests and benchmark.
# Odoo 18.0 Community source is taken from ODOO_SRC (never committed).
ODOO_SRC ?= /opt/odoo/18.0
HTTP_PORT ?= 8069
DEMO_DB ?= auto_service_debt_demo
TEST_DB ?= auto_service_debt_test
ARGS ?=
export ODOO_SRC HTTP_PORT DEMO_DB TEST_DB ARGS

.PHONY: setup run test compat lint bench docs-preview screenshots i18n clean

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/test.sh

compat: setup
	@bash scripts/compat.sh

lint: setup
	@bash scripts/lint.sh

bench: setup
	@bash bench/run.sh

docs-preview: setup
	@bash scripts/docs_preview.sh

screenshots: setup
	@bash scripts/screenshots.sh

i18n: setup
	@bash scripts/i18n.sh

clean:
	rm -rf .venv .odoo.conf .odoo-data
