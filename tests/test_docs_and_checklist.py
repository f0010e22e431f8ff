"""
The spec map covers every spec item; CHECKLIST.md follows the answers and names only code that exists in the render; the
post-generation hook lists every TODO marker in it. (The site's strict build, the prompts page and every name and
command of the pages: test_docs_truth.py.)
"""
import json
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

import spec_names
from rendering import CONNECTOR_DIR, TEMPLATE_ROOT, TEST_DIR, render

DOCS = TEMPLATE_ROOT / "docs"
ANSWERS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
PLACEHOLDER = "<!-- todo-markers -->"


# ---- the spec map ----
def test_every_spec_name_is_mapped():
    spec_map = (DOCS / "spec-map.md").read_text()
    names = (spec_names.CONSTANTS + spec_names.WEB_UTILS_FUNCTIONS + spec_names.UTILS_NAMES
             + spec_names.ORDER_BOOK_METHODS + spec_names.ORDER_BOOK_DATA_SOURCE_METHODS + spec_names.AUTH_METHODS
             + spec_names.USER_STREAM_LISTEN_KEY_METHODS + spec_names.EXCHANGE_METHODS
             + spec_names.EXCHANGE_TEST_METHODS + [test for tests in spec_names.TESTS.values() for test in tests])
    assert [name for name in names if not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", spec_map)] == []


# ---- CHECKLIST.md follows the answers ----
LOCAL_CLOCK_LISTEN_KEY = dict(connector_name="acme", time_synchronizer=False, user_stream="listen_key",
                              balance_channel=False, extra_api_keys="")
SERVER_CLOCK_WS_API = dict(connector_name="acme_pro", time_synchronizer=True, user_stream="ws_api",
                           balance_channel=True, extra_api_keys="passphrase")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Dict[str, Path]:
    return {
        "local_clock_listen_key": render(tmp_path_factory.mktemp("checklist-a") / "out", **LOCAL_CLOCK_LISTEN_KEY),
        "server_clock_ws_api": render(tmp_path_factory.mktemp("checklist-b") / "out", **SERVER_CLOCK_WS_API),
    }


def _rows(workspace: Path) -> List[str]:
    return [line for line in (workspace / "CHECKLIST.md").read_text().splitlines() if line.startswith("| ")]


def _row(rows: List[str], item: str) -> List[str]:
    return [row for row in rows if row.startswith(f"| {item}")]


def test_checklist_without_time_sync_on_a_listen_key(rendered):
    rows = _rows(rendered["local_clock_listen_key"])
    assert _row(rows, "SERVER TIME") == []
    assert "SERVER_TIME_PATH_URL" not in "\n".join(rows)
    assert "acme_constants.ACME_USER_STREAM_PATH_URL" in _row(rows, "LISTEN KEY: CREATE")[0]
    assert "_ping_listen_key" in _row(rows, "LISTEN KEY: KEEP ALIVE")[0]
    assert _row(rows, "USER STREAM SUBSCRIPTION") == []
    assert _row(rows, "USER BALANCE CHANNEL") == []
    assert _row(rows, "EXTRA CREDENTIAL") == []


def test_checklist_with_time_sync_on_the_websocket_api(rendered):
    rows = _rows(rendered["server_clock_ws_api"])
    assert "acme_pro_constants.SERVER_TIME_PATH_URL" in _row(rows, "SERVER TIME")[0]
    assert _row(rows, "LISTEN KEY") == []
    assert "USER_STREAM_PATH_URL" not in "\n".join(rows)
    assert "AcmeProAuth.generate_ws_subscribe_params" in _row(rows, "USER STREAM SUBSCRIPTION")[0]
    assert "acme_pro_constants.BALANCE_UPDATE_EVENT_TYPE" in _row(rows, "USER BALANCE CHANNEL")[0]
    passphrase = _row(rows, "EXTRA CREDENTIAL `passphrase`")
    assert len(passphrase) == 1 and "`acme_pro_passphrase` in KEYS" in passphrase[0]


def test_checklist_names_the_answers_figures(rendered):
    text = (rendered["server_clock_ws_api"] / "CHECKLIST.md").read_text()
    assert text.startswith("# Acme Pro connector checklist\n")
    assert f"depth {ANSWERS['order_book_depth']}" in text
    assert f"Request weight per minute ({ANSWERS['rate_limit_request_weight_per_minute']})" in text


def _definitions(workspace: Path, name: str) -> Dict[str, Set[str]]:
    """Top-level names per connector module, and members per class (as `Class.member`), read from the sources."""
    names: Dict[str, Set[str]] = {}
    for path in (workspace / CONNECTOR_DIR.format(name=name)).glob("*.py"):
        text = path.read_text()
        names[path.stem] = set(re.findall(r"^(?:def |async def |class )?(\w+)", text, re.MULTILINE))
        for class_name, body in re.findall(r"^class (\w+)\b.*?:\n((?:[ \t]+.*\n|\n)*)", text, re.MULTILINE):
            names[class_name] = set(re.findall(r"^    (?:async def |def )?(\w+)", body, re.MULTILINE))
    return names


@pytest.mark.parametrize("variant", ["local_clock_listen_key", "server_clock_ws_api"])
def test_checklist_names_only_code_that_exists(rendered, variant):
    workspace = rendered[variant]
    name = (LOCAL_CLOCK_LISTEN_KEY if variant == "local_clock_listen_key" else SERVER_CLOCK_WS_API)["connector_name"]
    definitions = _definitions(workspace, name)
    everywhere = set().union(*definitions.values())
    unknown = []
    for row in _rows(workspace):
        for token in re.findall(r"`([\w.]+)`", row):
            owner, _, member = token.rpartition(".")
            if owner in definitions:
                if member not in definitions[owner]:
                    unknown.append(token)
            elif not owner and (token.isupper() or token.startswith("_")) and token not in everywhere:
                unknown.append(token)
    assert unknown == []


# ---- the TODO markers the post-generation hook lists ----
def _todo_markers(workspace: Path, name: str) -> List[Tuple[str, int]]:
    found = []
    for folder in (CONNECTOR_DIR.format(name=name), TEST_DIR.format(name=name)):
        for path in sorted((workspace / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if f"TODO({name})" in line:
                    found.append((path.relative_to(workspace).as_posix(), number))
    return found


def test_checklist_lists_every_todo_marker(default_workspace: Path):
    name = ANSWERS["connector_name"]
    checklist = (default_workspace / "CHECKLIST.md").read_text()
    section = checklist.split("## Exchange-specific spots (TODO markers)", 1)[1]
    markers = _todo_markers(default_workspace, name)

    assert PLACEHOLDER not in checklist
    test_modules = sorted(path.relative_to(default_workspace).as_posix()
                          for path in (default_workspace / TEST_DIR.format(name=name)).glob("test_*.py"))
    assert sorted({path for path, _ in markers if path.startswith("test/")}) == test_modules  # fixtures to adapt
    listed = re.findall(r"^- (?:\[ \] )?`([^`:]+):(\d+)`: \S", section, re.MULTILINE)
    assert [(path, int(line)) for path, line in listed] == markers
