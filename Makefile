# spot-connector: render a hummingbot spot connector and test it against a real, pinned hummingbot.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HUMMINGBOT_VERSION := 20260922
DEMO_DIR := build/demo

.PHONY: venv demo test golden benchmark docs update-connector clean

# The stamp makes the environment idempotent: it is rebuilt only when the pins change.
$(VENV)/.installed: requirements.txt Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	# hummingbot's own dependency set does not resolve on any one Python (see docs/troubleshooting.md):
	# install it without dependencies; requirements.txt carries the ones a connector needs.
	$(BIN)/python -m pip install --quiet --no-deps "hummingbot==$(HUMMINGBOT_VERSION)"
	touch $@

venv: $(VENV)/.installed

demo: venv
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(DEMO_DIR) .
	cd $(DEMO_DIR)/acme && ../../../$(BIN)/python -m pytest

test: venv
	$(BIN)/python -m pytest tests

# Refresh tests/golden/ after a deliberate change of what the template renders (review the diff before committing).
golden: venv
	$(BIN)/python tests/golden_renders.py --write

# Figures for docs/benchmarks.md: make benchmark ARGS=--write-docs
benchmark: venv
	$(BIN)/python tests/benchmarks/render_benchmark.py $(ARGS)

docs: venv
	$(BIN)/python -m mkdocs build --strict

# Regenerate a connector inside a hummingbot checkout with this template version, keeping the author's edits:
# make update-connector HUMMINGBOT_ROOT=~/hummingbot CONNECTOR=my_exchange [CHECKOUT=<template commit or tag>]
update-connector: venv
	$(BIN)/python tools/update_connector.py "$(HUMMINGBOT_ROOT)" "$(CONNECTOR)" $(if $(CHECKOUT),--checkout "$(CHECKOUT)")

clean:
	rm -rf build $(VENV)
