"""
The rendered workspace sets itself up and runs hummingbot's merge gates, one command each:

- `make test` on a fresh render builds the workspace's own .venv from its pins (pip's cache may be warm) and runs the
  suite; `make gates` measures coverage and diff coverage against the render's first commit and runs hummingbot's
  pre-commit hooks, and fails on what hummingbot's CI would refuse;
- the same commands, pointed at a hummingbot checkout that holds the connector, run there against the checkout's own
  configuration and origin/development;
- the post-generation hook commits a standalone render as its first commit (not inside another repository, not
  without git);
- the answer set with every other answer changed covers at least MIN_LINE_COVERAGE of its package (the shape
  combinations: tests/test_variants.py; the defaults: tests/test_default_render.py).
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import make_hummingbot_checkout
from golden_renders import ANSWER_SETS
from rendering import DEFAULT_CONNECTOR_NAME, MIN_LINE_COVERAGE, TEMPLATE_ROOT, VENV_BIN, render, run_rendered_suite

from spot_connector.facts import ANSWERS_FILE, RENDER_IN_PROGRESS_MARKER, connector_folders

NAME = DEFAULT_CONNECTOR_NAME
HUMMINGBOT_VERSION = re.search(r"^HUMMINGBOT_VERSION := (\S+)", (TEMPLATE_ROOT / "Makefile").read_text(),
                               re.MULTILINE).group(1)
HOOK_NAMES = ["trim trailing whitespace", "fix end of files", "check yaml", "check for added large files", "flake8",
              "detect private key", "autopep8", "detect wallet private keys", "isort"]
LINE_COVERAGE = re.compile(r"Line coverage of \S+: ([\d.]+)%")
CONNECTOR_MODULE = f"hummingbot/connector/exchange/{NAME}/{NAME}_utils.py"
SIGNATURE = "ab" * 32  # 64 hex digits, the shape of a wallet private key


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def author_env(path_first: Path = None) -> dict:
    """An author's shell: no virtualenv active, no make of ours around."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    if path_first:
        env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    return env


def make(workspace: Path, *args: str, env: dict = None, timeout: float = 1800) -> subprocess.CompletedProcess:
    # The interpreter the template's own environment was made from: a Python 3.11, as the workspace asks.
    python = getattr(sys, "_base_executable", sys.executable)
    result = subprocess.run(["make", "--no-print-directory", *args, f"PYTHON={python}"], cwd=workspace,
                            env=env or author_env(), capture_output=True, text=True, timeout=timeout)
    result.output = result.stdout + result.stderr
    return result


# ---- a fresh render: make test sets it up, make gates checks it ----
@pytest.fixture(scope="module")
def fresh_workspace(bake) -> Path:
    workspace = bake()
    assert not (workspace / ".venv").exists()
    return workspace


@pytest.mark.slow
def test_make_test_sets_up_a_fresh_workspace_and_runs_its_suite(fresh_workspace: Path):
    result = make(fresh_workspace, "test")
    assert result.returncode == 0, result.output[-5000:]
    assert re.search(r"\d+ passed", result.stdout), result.output[-3000:]
    assert (fresh_workspace / ".venv" / f".installed-{HUMMINGBOT_VERSION}").is_file()
    installed = subprocess.run([str(fresh_workspace / ".venv" / "bin" / "python"), "-c",
                                "import importlib.metadata as m; print(m.version('hummingbot'))"],
                               capture_output=True, text=True)
    assert installed.stdout.strip() == HUMMINGBOT_VERSION

    again = make(fresh_workspace, "test")  # set up once: the second run only tests
    assert again.returncode == 0 and "pip install" not in again.output, again.output[-3000:]


@pytest.mark.slow
def test_make_gates_passes_on_the_render(fresh_workspace: Path):
    result = make(fresh_workspace, "gates")
    assert result.returncode == 0, result.output[-6000:]
    assert float(LINE_COVERAGE.search(result.stdout).group(1)) >= MIN_LINE_COVERAGE
    first_commit = git(fresh_workspace, "rev-list", "--max-parents=0", "HEAD").strip()
    assert f"--compare-branch={first_commit}" in result.stdout
    assert "No lines with coverage information in this diff." in result.stdout
    for hook in HOOK_NAMES:
        assert re.search(rf"^{re.escape(hook)}\.+Passed$", result.stdout, re.MULTILINE), (hook, result.stdout)
    assert git(fresh_workspace, "status", "--porcelain") == ""  # nothing to fix, nothing left behind


@pytest.mark.slow
def test_diff_coverage_fails_on_untested_changes(fresh_workspace: Path):
    module = fresh_workspace / CONNECTOR_MODULE
    original = module.read_text()
    module.write_text(original + "\n\ndef untested_helper(value: int) -> int:\n    if value:\n"
                                 "        return value + 1\n    return 0\n")
    try:
        result = make(fresh_workspace, "coverage")
    finally:
        module.write_text(original)
    assert result.returncode != 0
    assert f"{CONNECTOR_MODULE} (25.0%): Missing lines" in result.stdout, result.stdout[-3000:]
    assert "Coverage is below 80%" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("line, hook", [
    (f'FIXTURE_SIGNATURE = "{SIGNATURE}"', "detect wallet private keys"),
    ("TRAILING = 1   ", "trim trailing whitespace"),
    ("import os", "flake8"),
])
def test_pre_commit_runs_hummingbots_hooks(fresh_workspace: Path, line: str, hook: str):
    module = fresh_workspace / CONNECTOR_MODULE
    original = module.read_text()
    module.write_text(original + line + "\n")
    try:
        result = make(fresh_workspace, "pre-commit")
    finally:
        module.write_text(original)
    assert result.returncode != 0
    assert re.search(rf"^{re.escape(hook)}\.+Failed$", result.stdout, re.MULTILINE), result.stdout[-3000:]


@pytest.mark.slow
def test_a_fixture_signature_marked_noqa_mock_passes(fresh_workspace: Path):
    module = fresh_workspace / CONNECTOR_MODULE
    original = module.read_text()
    module.write_text(original + f'FIXTURE_SIGNATURE = "{SIGNATURE}"  # noqa: mock\n')
    try:
        result = make(fresh_workspace, "pre-commit")
    finally:
        module.write_text(original)
    assert result.returncode == 0, result.stdout[-3000:]


# ---- the same commands in a hummingbot checkout ----
CHECKOUT_COVERAGERC = """[run]
source_pkgs = hummingbot
branch = true

[report]
precision = 2

[xml]
output = coverage.xml
"""
CHECKOUT_FLAKE8 = """[flake8]
filename = *.py, *.pyx, *.pxd
ignore = E251, E501,E702,W504,W503
max-line-length = 120
"""
CHECKOUT_HOOK = "the checkout's own hook"


@pytest.mark.slow
def test_gates_run_in_a_checkout_against_its_own_configuration(bake, tmp_path):
    """A checkout on a feature branch off origin/development, the connector copied in as the README says."""
    checkout = make_hummingbot_checkout(tmp_path / "hummingbot")
    (checkout / ".coveragerc").write_text(CHECKOUT_COVERAGERC)
    (checkout / ".flake8").write_text(CHECKOUT_FLAKE8)
    # hummingbot's own configuration fetches its hooks from GitHub; here a local one stands in, named to be seen.
    (checkout / ".pre-commit-config.yaml").write_text(
        "repos:\n-   repo: local\n    hooks:\n    -   id: checkout-hook\n"
        f"        name: {CHECKOUT_HOOK}\n        entry: flake8\n        language: system\n        types: [python]\n")
    git(checkout, "init", "--quiet", "--initial-branch=development")
    git(checkout, "add", "-A")
    git(checkout, "commit", "--quiet", "-m", "development")
    git(checkout, "update-ref", "refs/remotes/origin/development", "HEAD")
    git(checkout, "checkout", "--quiet", "-b", f"feat/{NAME}-connector")
    workspace = bake()
    for folder in connector_folders(NAME):
        shutil.copytree(workspace / folder, checkout / folder)

    # The checkout's environment is whatever python is first on PATH (here the template's, hummingbot installed).
    result = make(workspace, "test", "gates", f"HUMMINGBOT_ROOT={checkout}", env=author_env(VENV_BIN), timeout=900)
    assert result.returncode == 0, result.output[-6000:]
    assert not (workspace / ".venv").exists()  # the checkout's environment, not the workspace's
    assert f"pytest test/hummingbot/connector/exchange/{NAME}" in result.stdout
    assert float(LINE_COVERAGE.search(result.stdout).group(1)) >= MIN_LINE_COVERAGE
    assert "--compare-branch=origin/development" in result.stdout
    diff_coverage = re.search(r"^Coverage: (\d+)%$", result.stdout, re.MULTILINE)
    assert diff_coverage and int(diff_coverage.group(1)) >= MIN_LINE_COVERAGE, result.stdout[-3000:]
    assert re.search(rf"^{re.escape(CHECKOUT_HOOK)}\.+Passed$", result.stdout, re.MULTILINE), result.stdout[-3000:]
    assert "detect wallet private keys" not in result.stdout  # the workspace's hooks are not the checkout's
    assert (checkout / "coverage.xml").is_file()


# ---- the render's first commit ----
def load_post_gen_hook():
    spec = importlib.util.spec_from_file_location("post_gen_project", TEMPLATE_ROOT / "hooks" / "post_gen_project.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_standalone_render_is_its_first_commit(bake):
    workspace = bake()
    assert git(workspace, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(workspace, "status", "--porcelain", "--ignored") == ""
    tracked = git(workspace, "ls-files").splitlines()
    assert ANSWERS_FILE in tracked and "README.md" in tracked and "Makefile" in tracked
    assert RENDER_IN_PROGRESS_MARKER not in tracked
    assert git(workspace, "branch", "--show-current").strip() == "main"


def test_a_render_inside_another_repository_keeps_that_history(tmp_path):
    outer = tmp_path / "monorepo"
    outer.mkdir()
    git(outer, "init", "--quiet")
    workspace = render(outer / "connectors")
    assert not (workspace / ".git").exists()
    assert git(outer, "rev-parse", "--show-toplevel").strip() == str(outer.resolve())


def test_without_git_the_render_stands_without_history(tmp_path, monkeypatch, capsys):
    post_gen = load_post_gen_hook()
    (tmp_path / "Makefile").write_text("test:\n")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    assert post_gen.start_git_history(tmp_path, NAME) is False
    assert not (tmp_path / ".git").exists()
    assert "not a git repository" in capsys.readouterr().err


def test_a_failed_commit_leaves_no_half_made_repository(tmp_path, monkeypatch, capsys):
    post_gen = load_post_gen_hook()
    (tmp_path / "Makefile").write_text("test:\n")
    monkeypatch.setattr(post_gen, "RENDER_COMMIT_AUTHOR", ("-c", "user.useConfigOnly=true", "-c", "user.email="))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    assert post_gen.start_git_history(tmp_path, NAME) is False
    assert not (tmp_path / ".git").exists()
    assert "not a git repository" in capsys.readouterr().err


# ---- coverage beside the shape combinations (tests/test_variants.py) and the defaults (test_default_render.py) ----
def test_every_other_answer_changed_still_covers_its_package(bake):
    outcome = run_rendered_suite(bake(**ANSWER_SETS["every-other-answer"]), coverage=True)
    assert outcome["returncode"] == 0, outcome["output"]
    assert outcome["line_coverage"] >= MIN_LINE_COVERAGE, outcome["missing_lines"]
