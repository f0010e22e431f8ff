"""
post_gen_project hook: the steps that follow the render, one small function each.

- list the connector's TODO(<name>) spots in CHECKLIST.md;
- standalone: save the answers at the workspace's root in cruft's format (.cruft.json), so that cruft can update it;
- in a hummingbot checkout: move the connector and its tests to the spec's paths and register the API keys in a
  legacy conf_global_TEMPLATE.yml (hummingbot before 1.6), all or nothing (spot_connector/placement.py); keep the
  answers (path-free) and the checklist in the connector's state folder, outside the two connector folders
  (spot_connector/facts.py says where, spot_connector/regeneration.py what);
- standalone: make the rendered workspace its first git commit (start_git_history);
- print the next steps on stdout.
The answers arrive as data (cookiecutter's context as JSON), never pasted into code.
"""
import json
import os
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

from spot_connector import placement, regeneration  # noqa: E402
from spot_connector.facts import (  # noqa: E402
    ANSWERS_FILE,
    CHECKLIST_FILE,
    LEGACY_CONF_GLOBAL_TEMPLATE,
    RENDER_IN_PROGRESS_MARKER,
    STATE_ANSWERS_FILE,
    connector_folders,
    hummingbot_version,
    is_hummingbot_checkout,
    state_folders,
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


# ---- the answers file of a standalone workspace (cruft's) ----
def is_running_under_cruft(answers: Dict[str, Any]) -> bool:
    """cruft renders through cookiecutter's generate_files, which never sets `_output_dir`; cruft writes its file."""
    return "_output_dir" not in answers


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
    template = regeneration.cruft_template_location(answers["_template"], answers.get("_repo_dir"))
    commit = template_commit(answers.get("_repo_dir"))
    (folder / ANSWERS_FILE).write_text(answers_file_content(answers, template, commit))


# ---- placement into a hummingbot checkout ----
class StateNotSaved(Exception):
    """The connector's state folder cannot be written; nothing was placed."""


def stage_state(workspace: Path, checkout: Path, answers: Dict[str, Any]) -> Dict[Path, Path]:
    """
    Writes the connector's answers.json and CHECKLIST.md next to their places in its state folder, before anything
    is placed (a state folder that cannot be written stops the render there); returns staged copy -> place.
    """
    name = answers["connector_name"]
    folder = state_folders(checkout, name)[0]
    content = regeneration.state_content(
        answers, regeneration.template_as_named(answers["_template"], answers.get("_repo_dir"), checkout),
        template_commit(answers.get("_repo_dir")), hummingbot_version(checkout))
    staged: Dict[Path, Path] = {}
    try:
        regeneration.make_state_folder(folder, checkout)
        for place, text in ((folder / STATE_ANSWERS_FILE, content),
                            (folder / CHECKLIST_FILE, (workspace / CHECKLIST_FILE).read_text())):
            copy = place.with_name(f".{place.name}.spot-connector-staging-{os.getpid()}")
            staged[copy] = place
            copy.write_text(text)
    except OSError as error:
        discard(staged)
        raise StateNotSaved(f"cannot keep {name}'s answers and checklist in {folder} ({error.strerror or error}); "
                            f"nothing was changed") from error
    return staged


def discard(staged: Dict[Path, Path]) -> None:
    for copy in staged:
        copy.unlink(missing_ok=True)


def render_into_checkout(workspace: Path, checkout: Path, answers: Dict[str, Any]) -> List[str]:
    """
    Places both connector folders into the checkout (locked, all or nothing, safe to interrupt) with the keys of a
    legacy conf template, then, under the same lock, puts the connector's answers and checklist in its state folder.
    Returns placement's notes.
    """
    name = answers["connector_name"]
    staged = stage_state(workspace, checkout, answers)
    try:
        with placement.exclusive_checkout(checkout) as recovered:
            notes = recovered + placement.place_connector(
                workspace, checkout, name, answers["__api_credentials"].split(","),
                replace_existing=is_true(answers.get("_replace_existing")))
            for copy, place in staged.items():
                os.replace(copy, place)
    finally:
        discard(staged)
    return notes


# ---- what to do next (stdout) ----
def next_steps_in_checkout(checkout: Path, answers: Dict[str, Any], template_dir: str) -> str:
    """What the render wrote (all that `git status` shows), how to build and test it, the checklist, the update."""
    name = answers["connector_name"]
    folders = connector_folders(name)
    written = [f"{folder}/" for folder in folders]
    if (checkout / LEGACY_CONF_GLOBAL_TEMPLATE).is_file():
        written.append(f"{LEGACY_CONF_GLOBAL_TEMPLATE} (the connector's API key lines)")
    build = ["./compile"] if (checkout / "compile").is_file() else []  # a source checkout builds its Cython in place
    return "\n".join([
        f"Rendered {name} into the hummingbot checkout {checkout}:",
        *(f"  {path}" for path in written),
        "Next steps:",
        *(f"  {step}" for step in [f"cd {checkout}", *build, f"python -m pytest {folders[1]}"]),
        f"Checklist (kept out of git): {state_folders(checkout, name)[0] / CHECKLIST_FILE}",
        f"Update later: python {Path(template_dir) / 'tools' / 'update_connector.py'} {checkout} {name}",
    ]) + "\n"


def next_steps_in_workspace(workspace: Path, committed: bool) -> str:
    """The workspace's own make targets set up its environment; cruft update needs the render committed."""
    commit_first = "" if committed else "commit the workspace to git once (git init && git add -A && git commit -m " \
                                        "generated), then "
    return "\n".join([
        f"Rendered the standalone workspace {workspace}" + (" (its first git commit)." if committed else "."),
        "Next steps:",
        f"  cd {workspace} && make test",
        f"Checklist: {workspace / CHECKLIST_FILE}",
        f"Update later: {commit_first}run cruft update in it",
    ]) + "\n"


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


def main(answers: Dict[str, Any], template_dir: str) -> int:
    workspace = Path.cwd()
    write_todo_markers(workspace / CHECKLIST_FILE, find_todo_markers(workspace, answers["connector_name"]))

    checkout = target_checkout(answers)
    if checkout is None:
        committed = False
        if not is_running_under_cruft(answers):
            write_answers_file(workspace, answers)
            committed = start_git_history(workspace, answers["connector_name"])
        (workspace / RENDER_IN_PROGRESS_MARKER).unlink(missing_ok=True)  # complete: the watchdog leaves it be
        if not is_running_under_cruft(answers):
            print(next_steps_in_workspace(workspace, committed), end="", flush=True)
        return 0
    try:
        notes = render_into_checkout(workspace, checkout, answers)
    except (placement.PlacementError, StateNotSaved) as error:
        print(f"spot-connector: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(note, file=sys.stderr)
    os.chdir(checkout)
    shutil.rmtree(workspace)  # the staging workspace, created by this render: its connector folders are in place
    print(next_steps_in_checkout(checkout, answers, template_dir), end="", flush=True)
    return 0


if __name__ == "__main__":
    ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''
    sys.exit(main(json.loads(ANSWERS_JSON), json.loads(RENDERED_TEMPLATE_DIR)))
