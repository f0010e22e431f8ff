"""Helpers shared by the template's tests: render the template and run the rendered workspace's own tools."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

from cookiecutter.main import cookiecutter

from spot_connector.facts import ANSWERS_FILE, CONNECTOR_PACKAGE_DIR, CONNECTOR_TEST_DIR

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONNECTOR_NAME = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())["connector_name"]
VENV_BIN = Path(sys.executable).parent
# Every shape renders a connector whose own suite covers at least this share of its package's lines.
MIN_LINE_COVERAGE = 95.0

# Where the spec's "Directory Setup" puts the connector and its tests, relative to the workspace root.
CONNECTOR_DIR = CONNECTOR_PACKAGE_DIR
TEST_DIR = CONNECTOR_TEST_DIR
CONNECTOR_FILES = [
    "__init__.py",
    "{name}_api_order_book_data_source.py",
    "{name}_api_user_stream_data_source.py",
    "{name}_auth.py",
    "{name}_constants.py",
    "{name}_exchange.py",
    "{name}_order_book.py",
    "{name}_utils.py",
    "{name}_web_utils.py",
    "dummy.pxd",
    "dummy.pyx",
]
TEST_FILES = [
    "__init__.py",
    "test_{name}_api_order_book_data_source.py",
    "test_{name}_api_user_stream_data_source.py",
    "test_{name}_auth.py",
    "test_{name}_exchange.py",
    "test_{name}_order_book.py",
    "test_{name}_utils.py",
    "test_{name}_web_utils.py",
]


# What a fresh clone of the template does not hold: git metadata, a virtualenv, build and site output, caches. The
# tests render from a copy without them, as a user's clone is: a render records no commit of this working tree, and
# the copies tests make of it (a git repository to update from, hooks patched to pause) stay small.
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "build", "site", "__pycache__", ".pytest_cache")
_clean_template: Path = None


def clean_template() -> Path:
    """A copy of the template as a fresh clone has it (made once per test session)."""
    global _clean_template
    if _clean_template is None:
        copy = Path(tempfile.mkdtemp(prefix="spot-connector-template-")) / "spot-connector"
        shutil.copytree(TEMPLATE_ROOT, copy, ignore=NOT_IN_A_CLONE)
        _clean_template = copy
    return _clean_template


def render(output_dir: Path, template: Path = None, **answers) -> Path:
    """Renders the template without prompts and returns the workspace folder."""
    config_file = _isolated_cookiecutter_config(output_dir.parent)
    project = cookiecutter(
        str(template or clean_template()),
        no_input=True,
        extra_context={key: value for key, value in answers.items()},
        output_dir=str(output_dir),
        config_file=str(config_file),
    )
    return Path(project)


def _isolated_cookiecutter_config(folder: Path) -> Path:
    """A cookiecutter user config that keeps replay files out of the user's home folder."""
    config_file = folder / "cookiecutter-config.yaml"
    if not config_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        config_file.write_text(
            f"cookiecutters_dir: {json.dumps(str(folder / 'cookiecutters'))}\n"
            f"replay_dir: {json.dumps(str(folder / 'replay'))}\n")
    return config_file


def connector_paths(name: str) -> List[str]:
    return ([f"{CONNECTOR_DIR}/{file}".format(name=name) for file in CONNECTOR_FILES]
            + [f"{TEST_DIR}/{file}".format(name=name) for file in TEST_FILES])


def workspace_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def run_in_workspace(workspace: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=workspace, env=workspace_env(), capture_output=True,
                          text=True, timeout=timeout)


def run_rendered_suite(workspace: Path, extra_args: Optional[List[str]] = None,
                       coverage: bool = False) -> Dict[str, Any]:
    """
    Runs the rendered workspace's own test suite and returns its outcome counts; with `coverage`, under coverage with
    the workspace's own .coveragerc (what `make coverage` measures), adding `line_coverage` of the connector package
    (percent of its measured lines, as diff-cover counts them) and `missing_lines` (file -> line numbers).
    """
    runner = ["-m", "coverage", "run", "-m", "pytest"] if coverage else ["-m", "pytest"]
    result = run_in_workspace(workspace, *runner, "-q", "-p", "no:warnings", *(extra_args or []))
    counts: Dict[str, Any] = parse_pytest_counts(result.stdout)
    counts["returncode"] = result.returncode
    counts["output"] = result.stdout[-6000:] + result.stderr[-3000:]
    if coverage:
        counts.update(package_line_coverage(workspace))
    return counts


def package_line_coverage(workspace: Path) -> Dict[str, Any]:
    """The connector package's line coverage from the workspace's last coverage run (its .coverage data file)."""
    report = workspace / "coverage.json"
    result = run_in_workspace(workspace, "-m", "coverage", "json", "-q", "-o", str(report))
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(report.read_text())
    covered, statements = data["totals"]["covered_lines"], data["totals"]["num_statements"]
    return {"line_coverage": 100.0 * covered / statements if statements else 0.0, "covered_lines": covered,
            "statements": statements,
            "missing_lines": {Path(name).name: file["missing_lines"] for name, file in data["files"].items()
                              if file["missing_lines"]}}


def parse_pytest_counts(output: str) -> Dict[str, int]:
    summary = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    if summary:
        for number, outcome in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary[-1]):
            counts["errors" if outcome.startswith("error") else outcome] = int(number)
    return counts


def lint(workspace: Path) -> List[str]:
    """hummingbot's flake8 and isort settings (the workspace's setup.cfg carries them); returns the problems."""
    problems = []
    flake8 = run_in_workspace(workspace, "-m", "flake8", "--config", "setup.cfg", ".")
    if flake8.returncode != 0:
        problems.append(flake8.stdout + flake8.stderr)
    isort = run_in_workspace(workspace, "-m", "isort", "--settings-path", "setup.cfg", "--check-only", "--diff", ".")
    if isort.returncode != 0:
        problems.append(isort.stdout + isort.stderr)
    return problems


# Jinja left behind: statements, comments, or expressions and attribute lookups on the cookiecutter context.
# Plain "{{" or "}}" are not flagged: nested dict literals and f-string escapes render them legitimately.
JINJA_LEFTOVER = re.compile(r"{%|%}|{#|{{\s*cookiecutter|cookiecutter\.[a-z_]")
ANSWER_FILES = {ANSWERS_FILE, ".cookiecutter.json"}


def unrendered_jinja(workspace: Path) -> List[str]:
    """Files (or file names) in the render that still hold Jinja syntax."""
    leftovers = []
    for path in sorted(workspace.rglob("*")):
        relative = str(path.relative_to(workspace))
        if ".git" in path.relative_to(workspace).parts:
            continue  # the render's first commit (git's store is binary)
        if JINJA_LEFTOVER.search(relative) or "{{" in relative:
            leftovers.append(relative)
        elif path.is_file() and path.name not in ANSWER_FILES and JINJA_LEFTOVER.search(
                path.read_text(errors="replace")):
            leftovers.append(relative)
    return leftovers
