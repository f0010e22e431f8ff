"""The sample connector, rendered with every default answer: its file set, its code and its own test suite."""
import json
import re
import textwrap
from pathlib import Path

import spec_names
from rendering import (
    DEFAULT_CONNECTOR_NAME,
    MIN_LINE_COVERAGE,
    connector_paths,
    lint,
    run_in_workspace,
    run_rendered_suite,
    unrendered_jinja,
)

from spot_connector.answers import class_prefix
from spot_connector.facts import connector_folders

NAME = DEFAULT_CONNECTOR_NAME
PREFIX = class_prefix(NAME)


def test_workspace_is_named_after_the_connector(default_workspace: Path):
    assert default_workspace.name == NAME


def test_renders_every_file_of_the_directory_setup(default_workspace: Path):
    missing = [path for path in connector_paths(NAME) if not (default_workspace / path).is_file()]
    assert missing == []


def test_connector_folders_hold_nothing_else(default_workspace: Path):
    rendered = sorted(
        str(path.relative_to(default_workspace)) for folder in connector_folders(NAME)
        for path in (default_workspace / folder).iterdir())
    assert rendered == sorted(connector_paths(NAME))


def test_no_jinja_is_left_in_the_render(default_workspace: Path):
    assert unrendered_jinja(default_workspace) == []


def test_rendered_code_passes_hummingbot_lint_settings(default_workspace: Path):
    assert lint(default_workspace) == []


def _missing_members(workspace: Path) -> dict:
    """Imports every rendered module in the workspace and lists the spec-named members none of them has."""
    module = f"hummingbot.connector.exchange.{NAME}"
    checks = {
        f"{module}.{NAME}_constants": spec_names.CONSTANTS,
        f"{module}.{NAME}_web_utils": spec_names.WEB_UTILS_FUNCTIONS,
        f"{module}.{NAME}_utils": spec_names.UTILS_NAMES,
        f"{module}.{NAME}_order_book:{PREFIX}OrderBook": spec_names.ORDER_BOOK_METHODS,
        f"{module}.{NAME}_api_order_book_data_source:{PREFIX}APIOrderBookDataSource":
            spec_names.ORDER_BOOK_DATA_SOURCE_METHODS,
        f"{module}.{NAME}_auth:{PREFIX}Auth": spec_names.AUTH_METHODS,
        f"{module}.{NAME}_api_user_stream_data_source:{PREFIX}APIUserStreamDataSource":
            spec_names.USER_STREAM_LISTEN_KEY_METHODS,
        f"{module}.{NAME}_exchange:{PREFIX}Exchange": spec_names.EXCHANGE_METHODS,
        f"test.hummingbot.connector.exchange.{NAME}.test_{NAME}_exchange:{PREFIX}ExchangeTests":
            spec_names.EXCHANGE_TEST_METHODS,
    }
    script = textwrap.dedent("""
        import importlib, json, sys
        import conftest  # the workspace's own path and discovery set-up
        checks = json.loads(sys.argv[1])
        missing = {}
        for target, names in checks.items():
            module_name, _, attribute = target.partition(":")
            owner = importlib.import_module(module_name)
            owner = getattr(owner, attribute) if attribute else owner
            absent = [name for name in names if not hasattr(owner, name)]
            if absent:
                missing[target] = absent
        print(json.dumps(missing))
    """)
    result = run_in_workspace(workspace, "-c", script, json.dumps(checks))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_spec_named_member_exists(default_workspace: Path):
    assert _missing_members(default_workspace) == {}


def test_every_spec_named_test_is_collected(default_workspace: Path):
    result = run_in_workspace(default_workspace, "-m", "pytest", "--collect-only", "-q", "-p", "no:warnings")
    assert result.returncode == 0, result.stdout[-3000:]
    collected = set(re.findall(r"/(test_\w+)\.py::\w+::(test_\w+)", result.stdout))
    missing = [(module.format(name=NAME), test) for module, tests in spec_names.TESTS.items() for test in tests
               if (module.format(name=NAME), test) not in collected]
    assert missing == []


def test_rendered_suite_passes_against_real_hummingbot(default_workspace: Path):
    outcome = run_rendered_suite(default_workspace, coverage=True)
    assert outcome["returncode"] == 0, outcome["output"]
    assert outcome["failed"] == 0 and outcome["errors"] == 0, outcome["output"]
    assert outcome["passed"] >= 100, outcome["output"]
    # The suite covers its package (the workspace's .coveragerc, hummingbot's settings); hummingbot merges at 80%.
    assert outcome["line_coverage"] >= MIN_LINE_COVERAGE, outcome["missing_lines"]
