"""
post_gen_project hook: the steps that follow the render, one small function each.

- list the connector's TODO(<name>) spots in CHECKLIST.md;
- save the answers with the connector (cruft's format) so that it can be regenerated and updated;
- in a hummingbot checkout: move the connector and its tests to the spec's paths and register the API keys in a
  legacy conf_global_TEMPLATE.yml (hummingbot before 1.6), all or nothing (spot_connector/placement.py);
- standalone: leave the workspace as rendered, its first git commit (start_git_history).
The answers arrive as data (cookiecutter's context as JSON), never pasted into code.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

# The template's own tooling (spot_connector/) lives beside the hooks; cookiecutter runs each hook from a copy in the
# temporary folder, so the folder is rendered in by the Jinja extension. Imported unrendered (tests), it is unused.
RENDERED_TEMPLATE_DIR = r'''{{ spot_connector_template_dir | default("") | tojson }}'''
if __name__ == "__main__":
    os.unlink(__file__)  # cookiecutter writes each hook to a temporary file and never removes it
    if RENDERED_TEMPLATE_DIR == '""':
        print("spot-connector: the answers do not load the template's Jinja extension (_extensions was changed, "
              "e.g. in a replay file); render again without --replay", file=sys.stderr)
        sys.exit(1)
    sys.path.insert(0, json.loads(RENDERED_TEMPLATE_DIR))

from spot_connector import placement  # noqa: E402
from spot_connector.facts import (  # noqa: E402
    ANSWERS_FILE,
    CHECKLIST_FILE,
    RENDER_IN_PROGRESS_MARKER,
    connector_folders,
    is_hummingbot_checkout,
)

TODO_MARKERS_PLACEHOLDER = "<!-- todo-markers -->"
# Context entries that describe one run on one machine, not the connector: saving them would make renders differ.
RUN_SPECIFIC_KEYS = ("_output_dir", "_repo_dir", "_checkout")


def is_true(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "y", "on")


def target_checkout(answers: Dict[str, Any]) -> Optional[Path]:
    """The checkout to render into: the answer, or the output folder when cookiecutter runs in a checkout's root."""
    if answers.get("hummingbot_root"):
        return Path(answers["hummingbot_root"]).expanduser().resolve()
    output_dir = answers.get("_output_dir")
    if output_dir and is_hummingbot_checkout(Path(output_dir)):
        return Path(output_dir).resolve()
    return None


# ---- CHECKLIST.md ----
def find_todo_markers(workspace: Path, connector_name: str) -> List[Tuple[str, int, str]]:
    """(file, line, what to adapt) for every TODO(<name>) marker in the connector and its tests."""
    marker = f"TODO({connector_name}):"
    found = []
    for folder in connector_folders(connector_name):
        for path in sorted((workspace / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if marker in line:
                    found.append((str(path.relative_to(workspace)), number, line.split(marker, 1)[1].strip()))
    return found


def write_todo_markers(checklist: Path, markers: List[Tuple[str, int, str]]) -> None:
    listing = "\n".join(f"- [ ] `{path}:{line}`: {text}" for path, line, text in markers)
    checklist.write_text(checklist.read_text().replace(TODO_MARKERS_PLACEHOLDER, listing))


# ---- the answers file ----
def is_running_under_cruft(answers: Dict[str, Any]) -> bool:
    """cruft renders through cookiecutter's generate_files, which never sets `_output_dir`; cruft writes its file."""
    return "_output_dir" not in answers


# cookiecutter's built-in abbreviations; importing cookiecutter here would cost a third of a second per render.
TEMPLATE_ABBREVIATIONS = {
    "gh:": "https://github.com/{0}.git",
    "gl:": "https://gitlab.com/{0}.git",
    "bb:": "https://bitbucket.org/{0}",
}
REPOSITORY_URL = re.compile(r"^(git\+|hg\+)?(file|git|ssh|https?)://|^[\w.-]+@[\w.-]+:")


def template_location(template: str, started_from: Optional[str]) -> str:
    """Where the template can be cloned again: an expanded repository URL, or an absolute local path."""
    for prefix, url in TEMPLATE_ABBREVIATIONS.items():
        if template.startswith(prefix):
            return url.format(template[len(prefix):])
    if REPOSITORY_URL.match(template):
        return template
    return str((Path(started_from or ".") / template).resolve())


def template_commit(repo_dir: Optional[str]) -> Optional[str]:
    if not repo_dir:
        return None
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_dir, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def answers_file_content(answers: Dict[str, Any], template: str, commit: Optional[str]) -> str:
    """The answers in cruft's format, so that `cruft check/diff/update` work on a standalone workspace."""
    context = {key: value for key, value in answers.items() if key not in RUN_SPECIFIC_KEYS}
    context["_template"] = template
    context["_commit"] = commit
    state = {"checkout": None, "commit": commit, "context": {"cookiecutter": context}, "directory": None,
             "template": template}
    return json.dumps(state, indent=2, sort_keys=True) + "\n"


def write_answers_file(folder: Path, answers: Dict[str, Any]) -> None:
    template = template_location(answers["_template"], os.environ.get("PWD"))
    commit = template_commit(answers.get("_repo_dir"))
    (folder / ANSWERS_FILE).write_text(answers_file_content(answers, template, commit))


# ---- placement into a hummingbot checkout ----
def render_into_checkout(workspace: Path, checkout: Path, answers: Dict[str, Any]) -> List[str]:
    """
    The connector folder carries its checklist and answers; placement (locked, all or nothing, safe to interrupt)
    moves both folders into the checkout and registers the keys in a legacy conf template. Returns its notes.
    """
    name = answers["connector_name"]
    connector_folder = workspace / connector_folders(name)[0]
    write_answers_file(connector_folder, answers)
    os.replace(workspace / CHECKLIST_FILE, connector_folder / CHECKLIST_FILE)
    return placement.place_connector(workspace, checkout, name, answers["__api_credentials"].split(","),
                                     replace_existing=is_true(answers.get("_replace_existing")))


# ---- a standalone workspace's git history ----
GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
RENDER_COMMIT_AUTHOR = ("-c", "user.name=spot-connector", "-c", "user.email=spot-connector@localhost")


def start_git_history(workspace: Path, connector_name: str) -> bool:
    """
    Makes a standalone workspace a git repository whose first commit is the render: `make coverage` measures diff
    coverage against it, as hummingbot's CI does against the branch a pull request targets, and `cruft update` has the
    clean tree it needs. Left out without git, or when the workspace lies inside another repository (which keeps its
    own history); a failed step removes what it began and the render stands. True when the commit was made.
    """
    env = {key: value for key, value in os.environ.items() if key not in GIT_LOCATION_VARIABLES}

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=workspace, env=env, capture_output=True, text=True)

    try:
        if git("rev-parse", "--show-toplevel").returncode == 0:
            return False  # inside another repository
        configured = all(git("config", key).stdout.strip() for key in ("user.name", "user.email"))
        identity = () if configured else RENDER_COMMIT_AUTHOR  # the author's own identity when git has one
        steps = [("-c", "init.defaultBranch=main", "init", "--quiet"),
                 ("add", "--all", "--", ".", f":(exclude){RENDER_IN_PROGRESS_MARKER}"),
                 (*identity, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify",
                  "-m", f"Render the {connector_name} connector (spot-connector)")]
        for step in steps:
            result = git(*step)
            if result.returncode != 0:
                raise OSError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "git failed")
    except OSError as error:  # git missing, or a step failed
        shutil.rmtree(workspace / ".git", ignore_errors=True)
        print(f"spot-connector: the workspace is not a git repository ({error}); the render stands: commit it "
              "yourself (git init, git add -A, git commit) before make coverage", file=sys.stderr)
        return False
    return True


def main(answers: Dict[str, Any]) -> int:
    workspace = Path.cwd()
    write_todo_markers(workspace / CHECKLIST_FILE, find_todo_markers(workspace, answers["connector_name"]))

    checkout = target_checkout(answers)
    if checkout is None:
        if not is_running_under_cruft(answers):
            write_answers_file(workspace, answers)
            start_git_history(workspace, answers["connector_name"])
        (workspace / RENDER_IN_PROGRESS_MARKER).unlink(missing_ok=True)  # complete: the watchdog leaves it be
        return 0
    try:
        notes = render_into_checkout(workspace, checkout, answers)
    except placement.PlacementError as error:
        print(f"spot-connector: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(note, file=sys.stderr)
    os.chdir(checkout)
    shutil.rmtree(workspace)  # the staging workspace, created by this render: its connector folders are in place
    return 0


if __name__ == "__main__":
    ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''
    sys.exit(main(json.loads(ANSWERS_JSON)))
