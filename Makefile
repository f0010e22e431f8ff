# spot-connector: render a hummingbot spot connector and test it against a real, pinned hummingbot.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HUMMINGBOT_VERSION := 20260922
DEMO_DIR := build/demo

.PHONY: venv demo test lint benchmark docs clean

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

benchmark: venv
	$(BIN)/python tests/benchmarks/render_benchmark.py

clean:
	rm -rf build $(VENV)
