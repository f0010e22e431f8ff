"""
Regenerate a connector that lives in a hummingbot checkout with a newer version of this template, keeping the author's
edits: a three-way merge of the previous render (base), the author's files (ours) and the new render (theirs).

    python tools/update_connector.py /path/to/hummingbot <connector_name> [--checkout <template commit or branch>]

The answers and the template commit are read from the connector's own answers file
(`hummingbot/connector/exchange/<name>/.cruft.json`, written when the connector was generated), so several connectors in
one checkout update independently. Only the connector's two folders are written. A conflicting edit is left in the
file between git's conflict markers and reported; the exit code is then 1 (2 when the update could not be done).

The merge is written to copies of the two folders, which then replace them in one step (spot_connector.placement:
the checkout's lock, a journal, held signals): an interrupted or failed update leaves the connector as it was, and
what a killed run left is finished or removed first.
"""
import argparse
import filecmp
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from cookiecutter.exceptions import CookiecutterException
from cookiecutter.main import cookiecutter

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE_ROOT))  # run as a script from a template clone: its tooling lies beside this folder

from spot_connector import facts, placement  # noqa: E402
from spot_connector.answers import check_answers, holds_template_syntax  # noqa: E402
from spot_connector.jinja_guard import template_defaults  # noqa: E402

ANSWERS_FILE = facts.ANSWERS_FILE
connector_folders = facts.connector_folders


class UpdateFailed(Exception):
    """The update could not be done and nothing was changed; the message is one line for the user."""


def git(*args: str, cwd: Optional[Path] = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def last_line(output: Optional[str]) -> str:
    lines = (output or "").strip().splitlines()
    return lines[-1] if lines else "no message"


def clone_template(url: str, destination: Path) -> None:
    try:
        git("clone", "--quiet", "--", url, str(destination))  # "--": a URL is never read as an option
    except subprocess.CalledProcessError as error:
        raise UpdateFailed(f"could not clone the template from {url}: {last_line(error.stderr)}") from error


def resolve_commit(template_clone: Path, revision: str) -> str:
    """The commit `revision` names; a fresh clone has its branches other than the default one under `origin/`."""
    for candidate in (revision, f"origin/{revision}"):
        try:
            return git("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", cwd=template_clone)
        except subprocess.CalledProcessError:
            continue
    raise UpdateFailed(f"the template has no commit, tag or branch {revision!r}")


def render_at_commit(template_clone: Path, commit: str, answers: Dict, output_dir: Path) -> Path:
    """The standalone workspace the template at `commit` renders for these answers."""
    if not commit:
        raise UpdateFailed("the connector's answers file records no template commit to update from")
    try:
        git("checkout", "--quiet", "--force", commit, cwd=template_clone)
    except subprocess.CalledProcessError as error:
        raise UpdateFailed(f"the template has no commit {commit}: {last_line(error.stderr)}") from error
    user_answers = {key: value for key, value in answers.items() if not key.startswith("_")}
    user_answers["hummingbot_root"] = ""  # render a workspace: only its two connector folders are used
    config_file = output_dir / "cookiecutter-config.yaml"
    output_dir.mkdir(parents=True)
    config_file.write_text(f"replay_dir: {json.dumps(str(output_dir / 'replay'))}\n")
    try:
        return Path(cookiecutter(str(template_clone), no_input=True, extra_context=user_answers,
                                 output_dir=str(output_dir / "render"), config_file=str(config_file)))
    except SystemExit as refusal:  # the template's answer guard printed why
        raise UpdateFailed(f"the template at {commit[:12]} refused the recorded answers (see above); nothing was "
                           f"changed") from refusal


def merge_file(ours: Path, base: Optional[Path], theirs: Path) -> bool:
    """git merge-file in place; True when it merged cleanly."""
    with tempfile.TemporaryDirectory() as scratch:
        if base is None:
            base = Path(scratch) / "empty"
            base.write_text("")
        result = subprocess.run(["git", "merge-file", "-L", "yours", "-L", "previous template", "-L", "new template",
                                 str(ours), str(base), str(theirs)], capture_output=True)
    if result.returncode < 0 or result.returncode > 127:
        raise RuntimeError(f"git merge-file failed on {ours}: {result.stderr.decode()}")
    return result.returncode == 0


def merge_folder(ours: Path, base: Path, theirs: Path) -> List[str]:
    """Applies the template's change (base -> theirs) to the author's folder; returns the conflicting files."""
    conflicts = []
    relative_paths = {path.relative_to(root) for root in (ours, base, theirs) if root.exists()
                      for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    for relative in sorted(relative_paths):
        mine, previous, new = ours / relative, base / relative, theirs / relative
        if new.exists() and not mine.exists():
            if not previous.exists():  # a file the new template adds
                mine.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(new, mine)
            elif not filecmp.cmp(previous, new, shallow=False):
                conflicts.append(f"{relative} (you deleted it; the template changed it)")
        elif new.exists():
            if not merge_file(mine, previous if previous.exists() else None, new):
                conflicts.append(str(relative))
        elif previous.exists() and mine.exists():  # the new template drops the file
            if filecmp.cmp(previous, mine, shallow=False):
                mine.unlink()
            else:
                conflicts.append(f"{relative} (the template dropped it; you changed it)")
    return conflicts


def one_line(error: BaseException) -> str:
    """The error and the notes placement adds to it (e.g. that the next run finishes a half-done swap), as one line."""
    text = " ".join([f"{type(error).__name__}: {error}", *getattr(error, "__notes__", [])])
    return " ".join(text.split())


def report(messages: List[str]) -> None:
    for message in messages:
        print(message, file=sys.stderr)


def refuse_symlinked_folders(hummingbot_root: Path, folders: List[str]) -> None:
    """Swapping in the merged folder would replace the link itself, leaving the linked folder behind: refuse."""
    for folder in folders:
        path = hummingbot_root / folder
        if path.is_symlink():
            raise UpdateFailed(f"{path} is a symbolic link (to {path.readlink()}); nothing was changed: the update "
                               "replaces the folder, so update a checkout that holds the connector itself")


def merge_into_copies(hummingbot_root: Path, folders: List[str], base: Path, theirs: Path, merged: Path) -> List[str]:
    """Copies the author's folders to `merged` and applies the template's change there; returns the conflicts."""
    conflicts = []
    for folder in folders:
        if (hummingbot_root / folder).is_dir():
            shutil.copytree(hummingbot_root / folder, merged / folder, symlinks=True)
        conflicts += [f"{folder}/{path}" for path in merge_folder(merged / folder, base / folder, theirs / folder)]
    return conflicts


def refuse_unsafe_answers_file(answers_path: Path, state: Dict) -> None:
    """
    The answers are checked by this tool's own rules before any template renders them: the previous render may come
    from a template commit that predates the answer guard, and cookiecutter would evaluate an answer as Jinja.
    """
    answers = state["context"]["cookiecutter"]
    recorded = {key: value for key, value in answers.items() if not key.startswith("_") or key.startswith("__")}
    recorded["hummingbot_root"] = ""  # where it was rendered from does not matter: the update renders workspaces
    _, errors = check_answers(recorded, template_defaults(), rendered=True)
    template, commit = state.get("template"), state.get("commit")
    if not isinstance(template, str) or template.startswith("-") or holds_template_syntax(template):
        errors.append(f"template {template!r} is invalid: give the template's repository URL or folder")
    if commit is not None and not (isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{7,64}", commit)):
        errors.append(f"commit {commit!r} is invalid: give the template commit the connector was rendered from")
    if errors:
        raise UpdateFailed(f"{answers_path}: {errors[0]}; nothing was changed")


def update_connector(hummingbot_root: Path, name: str, checkout: Optional[str] = None) -> List[str]:
    """Updates the connector to the template at `checkout` (default: HEAD); returns the conflicting files."""
    report(placement.recover_interrupted_placement(hummingbot_root))
    folders = connector_folders(name)
    refuse_symlinked_folders(hummingbot_root, folders)
    answers_path = hummingbot_root / folders[0] / ANSWERS_FILE
    answers_text = answers_path.read_text()
    state = json.loads(answers_text)
    refuse_unsafe_answers_file(answers_path, state)
    answers = state["context"]["cookiecutter"]
    with tempfile.TemporaryDirectory(prefix="spot-connector-update-") as scratch:
        clone = Path(scratch) / "template"
        clone_template(state["template"], clone)
        new_commit = resolve_commit(clone, checkout or "HEAD")
        base = render_at_commit(clone, state["commit"], answers, Path(scratch) / "base")
        theirs = render_at_commit(clone, new_commit, answers, Path(scratch) / "new")
        # From reading the author's files to swapping in the merge, nothing else may change the connector.
        with placement.exclusive_checkout(hummingbot_root) as recovered:
            report(recovered)
            refuse_symlinked_folders(hummingbot_root, folders)
            if answers_path.read_text() != answers_text:
                raise UpdateFailed(f"{answers_path} changed during the update; nothing was changed: run it again")
            merged = Path(scratch) / "merged"
            conflicts = merge_into_copies(hummingbot_root, folders, base, theirs, merged)
            state["commit"] = new_commit
            answers["_commit"] = new_commit
            (merged / folders[0] / ANSWERS_FILE).write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
            report(placement.replace_folders(hummingbot_root, {folder: merged / folder for folder in folders
                                                               if (merged / folder).is_dir()}))
    return conflicts


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("hummingbot_root", type=Path)
    parser.add_argument("connector_name")
    parser.add_argument("--checkout", help="template commit, tag or branch to update to (default: its HEAD)")
    args = parser.parse_args(argv)
    answers_path = args.hummingbot_root / connector_folders(args.connector_name)[0] / ANSWERS_FILE
    if not answers_path.is_file():
        print(f"spot-connector: no answers file at {answers_path}: was the connector generated by this template?",
              file=sys.stderr)
        return 2
    try:
        conflicts = update_connector(args.hummingbot_root.resolve(), args.connector_name, args.checkout)
    except (UpdateFailed, placement.PlacementError) as error:
        print(f"spot-connector: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError, subprocess.CalledProcessError, CookiecutterException) as error:
        print(f"spot-connector: the update failed: {one_line(error)}", file=sys.stderr)
        return 2
    for conflict in conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
