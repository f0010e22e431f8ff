# spot-connector: render a hummingbot spot connector and test it against a real, pinned hummingbot.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HUMMINGBOT_VERSION := 20260922
# The releases a default render is tested against (tests/test_hummingbot_releases.py, the GitHub workflow): the pinned
# one and the two before it; authors work in checkouts of different ages.
HUMMINGBOT_RELEASES := 20260601 20260729 $(HUMMINGBOT_VERSION)
DEMO_DIR := build/demo
# Outside this repository: a standalone render starts its own git history there (diff coverage needs it).

.PHONY: venv demo test test-fast sample golden benchmark docs update-connector clean

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

# The complete suite (.ci/run calls it): every variant rendered, linted, run under coverage; fresh workspaces set up.
test: venv
	$(BIN)/python -m pytest tests

# For iterating on the template (under a minute on two cores): the hooks' unit tests, one default render and its
# suite, the docs tests.
test-fast: venv
	$(BIN)/python -m pytest -m "not slow" tests/test_hooks.py tests/test_default_render.py \
		tests/test_docs_and_checklist.py tests/test_docs_refusals.py

# A sample connector as its author gets it: rendered with ANSWERS (key=value ...), then its own `make test gates`
# (its own .venv, the suite, coverage and diff coverage, hummingbot's pre-commit hooks). The GitHub workflow runs one
# per prompt value: make sample ANSWERS="user_stream=ws_api" [SAMPLE_HUMMINGBOT_VERSION=20260729]
# It is rendered into a new folder outside this repository (a workspace inside another repository keeps no git
# history of its own, which diff coverage needs), removed when it passes and kept, with its path printed, when not.
sample: venv
	@folder=$$(mktemp -d "$${TMPDIR:-/tmp}/spot-connector-sample-XXXXXX") && \
	$(BIN)/cookiecutter --no-input --output-dir "$$folder" . $(ANSWERS) && \
	(cd "$$folder"/*/ && $(MAKE) test gates $(if $(SAMPLE_HUMMINGBOT_VERSION),HUMMINGBOT_VERSION=$(SAMPLE_HUMMINGBOT_VERSION))) && \
	rm -rf "$$folder" || { echo "the sample is kept in $$folder"; exit 1; }

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
