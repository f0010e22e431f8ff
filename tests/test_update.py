"""
Regenerating after a template change keeps the connector author's code, for both layouts.

Each test generates from a temporary git clone of the template at one commit, edits a generated file, commits a
template change, updates, and checks: the edit is kept, the change applied, a conflicting edit reported.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import git_status, make_hummingbot_checkout, tree_digest
from rendering import TEMPLATE_ROOT, VENV_BIN, clean_template, render, workspace_env

from spot_connector import facts

NAME = "acme"
TEMPLATE_CONSTANTS = "{{cookiecutter.connector_name}}/hummingbot/connector/exchange/{{cookiecutter.connector_name}}/" \
                     "{{cookiecutter.connector_name}}_constants.py"
CONSTANTS = f"hummingbot/connector/exchange/{NAME}/{NAME}_constants.py"
UTILS = f"hummingbot/connector/exchange/{NAME}/{NAME}_utils.py"
AUTHOR_EDIT = "\n\ndef author_helper() -> str:\n    return \"kept\"\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def template_repo(tmp_path) -> Path:
    """A git repository holding the template at one commit."""
    repo = tmp_path / "template"
    shutil.copytree(clean_template(), repo)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "template v1")
    return repo


def change_template(repo: Path, old: str, new: str) -> None:
    path = repo / TEMPLATE_CONSTANTS
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    git(repo, "commit", "--quiet", "-am", "template v2")


def cruft(workspace: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "cruft"), *args], cwd=workspace, env=workspace_env(), capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def standalone_workspace(template_repo, tmp_path) -> Path:
    result = subprocess.run([str(VENV_BIN / "cruft"), "create", "--no-input", "--output-dir", str(tmp_path / "out"),
                             str(template_repo)], env=workspace_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    workspace = tmp_path / "out" / NAME
    git(workspace, "init", "--quiet", "--initial-branch=main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "--quiet", "-m", "generated")
    return workspace


def test_regenerating_with_the_same_answers_changes_nothing(tmp_path):
    first = render(tmp_path / "first")
    second = render(tmp_path / "second")
    assert tree_digest(first) == tree_digest(second)


def test_cruft_update_applies_the_template_change_and_keeps_the_edit(standalone_workspace, template_repo):
    with open(standalone_workspace / UTILS, "a") as utils:
        utils.write(AUTHOR_EDIT)
    git(standalone_workspace, "commit", "--quiet", "-am", "author edit")
    assert cruft(standalone_workspace, "check").returncode == 0

    assert "def author_helper() -> str:" in cruft(standalone_workspace, "diff").stdout  # the edit, against the template

    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")
    assert cruft(standalone_workspace, "check").returncode != 0

    result = cruft(standalone_workspace, "update", "--skip-apply-ask", "--allow-untracked-files")
    assert result.returncode == 0, result.stdout + result.stderr

    assert "MAX_REQUEST = 4000" in (standalone_workspace / CONSTANTS).read_text()
    assert AUTHOR_EDIT in (standalone_workspace / UTILS).read_text()
    assert cruft(standalone_workspace, "check").returncode == 0


def test_cruft_update_reports_a_conflicting_edit(standalone_workspace, template_repo):
    constants = standalone_workspace / CONSTANTS
    constants.write_text(constants.read_text().replace("MAX_REQUEST = 5000", "MAX_REQUEST = 3000  # the author's"))
    git(standalone_workspace, "commit", "--quiet", "-am", "author edit")

    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")
    cruft(standalone_workspace, "update", "--skip-apply-ask", "--allow-untracked-files")

    text = constants.read_text()
    rejects = list(standalone_workspace.rglob("*.rej"))
    assert ("<<<<<<<" in text and "MAX_REQUEST = 4000" in text) or rejects
    assert "MAX_REQUEST = 3000  # the author's" in text


@pytest.fixture
def checkout_connector(template_repo, tmp_path) -> Path:
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    render(tmp_path / "out", template=template_repo, connector_name=NAME, hummingbot_root=str(root))
    render(tmp_path / "out2", template=template_repo, connector_name="other_ex", hummingbot_root=str(root))
    return root


def update_in_checkout(root: Path, name: str = NAME, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TEMPLATE_ROOT / "tools" / "update_connector.py"), str(root), name,
                           *options], env=workspace_env(), capture_output=True, text=True, timeout=300)


def answers_file(root: Path, name: str = NAME) -> Path:
    return facts.state_folder(root, name) / facts.STATE_ANSWERS_FILE


def test_in_checkout_update_applies_the_change_and_keeps_the_edit(checkout_connector, template_repo):
    root = checkout_connector
    with open(root / UTILS, "a") as utils:
        utils.write(AUTHOR_EDIT)
    other_connector = tree_digest(root / "hummingbot/connector/exchange/other_ex")
    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")
    before = tree_digest(root)

    result = update_in_checkout(root)

    assert result.returncode == 0, result.stderr
    assert "MAX_REQUEST = 4000" in (root / CONSTANTS).read_text()
    assert AUTHOR_EDIT in (root / UTILS).read_text()
    changed = {path for path, digest in tree_digest(root).items() if before.get(path) != digest}
    assert changed and all(path.startswith((f"hummingbot/connector/exchange/{NAME}/",
                                            f"test/hummingbot/connector/exchange/{NAME}/")) for path in changed)
    assert tree_digest(root / "hummingbot/connector/exchange/other_ex") == other_connector
    state = json.loads(answers_file(root).read_text())
    assert state["commit"] == git(template_repo, "rev-parse", "HEAD").strip()
    folders = sorted(facts.connector_folders(NAME) + facts.connector_folders("other_ex"))
    assert git_status(root) == [f"?? {folder}/" for folder in folders]


def test_in_checkout_update_reports_a_conflicting_edit(checkout_connector, template_repo):
    root = checkout_connector
    constants = root / CONSTANTS
    constants.write_text(constants.read_text().replace("MAX_REQUEST = 5000", "MAX_REQUEST = 3000  # the author's"))
    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")

    result = update_in_checkout(root)

    assert result.returncode == 1
    assert f"conflict: {CONSTANTS}" in result.stderr
    text = constants.read_text()
    assert "<<<<<<< yours" in text and "MAX_REQUEST = 3000  # the author's" in text and "MAX_REQUEST = 4000" in text


# ---- answers left in the connector folder by earlier versions ----
def test_answers_left_in_the_connector_folder_move_out_on_the_first_update(checkout_connector, template_repo):
    """A connector generated before the state folder kept .cruft.json and CHECKLIST.md in its connector folder."""
    root = checkout_connector
    connector = root / facts.connector_folders(NAME)[0]
    state_folder = facts.state_folder(root, NAME)
    state = json.loads(answers_file(root).read_text())
    legacy = {"template": state["template"], "commit": state["commit"], "checkout": None, "directory": None,
              "context": {"cookiecutter": {**state["answers"], "hummingbot_root": str(root),
                                           "_replace_existing": False, "_template": state["template"],
                                           "__class_prefix": "Acme"}}}
    (connector / facts.ANSWERS_FILE).write_text(json.dumps(legacy))
    shutil.move(state_folder / facts.CHECKLIST_FILE, connector / facts.CHECKLIST_FILE)
    shutil.rmtree(state_folder)
    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")

    result = update_in_checkout(root)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"spot-connector: moved the answers and the checklist out of {NAME}'s connector folder, to {state_folder} "
        f"(they are no longer part of the connector's files)"]
    assert "MAX_REQUEST = 4000" in (root / CONSTANTS).read_text()
    assert not (connector / facts.ANSWERS_FILE).exists() and not (connector / facts.CHECKLIST_FILE).exists()
    assert (state_folder / facts.CHECKLIST_FILE).is_file()
    recorded = json.loads((state_folder / facts.STATE_ANSWERS_FILE).read_text())
    assert recorded["answers"] == state["answers"] and recorded["hummingbot_version"] == state["hummingbot_version"]
