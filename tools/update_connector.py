"""
Regenerate a connector that lives in a hummingbot checkout with a newer version of this template, keeping the author's
edits: a three-way merge of the previous render (base), the author's files (ours) and the new render (theirs).

    python tools/update_connector.py /path/to/hummingbot <connector_name> [--checkout <template commit or branch>]

The answers, the template and its commit are read from the connector's own answers file in its state folder (the
checkout's git directory: `<git dir>/spot-connector/<name>/answers.json`, written when the connector was generated;
spot_connector/facts.py), so several connectors in one checkout update independently. Only the connector's two
folders are written, and its answers file (the new commit and hummingbot version). A conflicting edit is left in the
file between git's conflict markers and reported; the exit code is then 1 (2 when the update could not be done, 0 when
clean).

The merge is written to copies of the two folders, which then replace them in one step (spot_connector.placement:
the checkout's lock, a journal, held signals): an interrupted or failed update leaves the connector as it was, and
what a killed run left is finished or removed first.
"""
import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from cookiecutter.config import get_user_config
from cookiecutter.exceptions import CookiecutterException
from cookiecutter.main import cookiecutter
from cookiecutter.repository import expand_abbreviations

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE_ROOT))  # run as a script from a template clone: its tooling lies beside this folder

from spot_connector import facts, placement, regeneration  # noqa: E402
from spot_connector.answers import check_answers, check_connector_name, holds_template_syntax  # noqa: E402
from spot_connector.hummingbot_releases import TARGET_CHECKOUT_VARIABLE  # noqa: E402
from spot_connector.jinja_guard import template_defaults  # noqa: E402

connector_folders = facts.connector_folders
# Written by template versions before the answers moved out of the connector folder; read and moved on the first update.
LEGACY_ANSWERS_FILE = facts.ANSWERS_FILE


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


@contextmanager
def stdout_discarded() -> Iterator[None]:
    """The renders are the tool's scratch work: the next steps their hook prints (on stdout) are not for the user."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def render_at_commit(template_clone: Path, commit: str, answers: Dict, output_dir: Path, checkout: Path) -> Path:
    """
    The standalone workspace the template at `commit` renders for these answers, as it renders for `checkout`: the
    tests of hummingbot features the checkout lacks are left out (spot_connector/hummingbot_releases.py).
    """
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
    os.environ[TARGET_CHECKOUT_VARIABLE] = str(checkout)
    try:
        with stdout_discarded():
            return Path(cookiecutter(str(template_clone), no_input=True, extra_context=user_answers,
                                     output_dir=str(output_dir / "render"), config_file=str(config_file)))
    except SystemExit as refusal:  # the template's answer guard printed why
        raise UpdateFailed(f"the template at {commit[:12]} refused the recorded answers (see above); nothing was "
                           f"changed") from refusal
    finally:
        os.environ.pop(TARGET_CHECKOUT_VARIABLE, None)


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


@dataclass
class Recorded:
    """A connector's answers file: where it is, its text, and what it records."""
    path: Path
    text: str
    template: Any
    commit: Any
    hummingbot_version: Optional[str]
    answers: Dict[str, Any]
    legacy: bool = False  # a .cruft.json in the connector folder, from a template version before the state folder
    notes: List[str] = field(default_factory=list)


def answers_file(hummingbot_root: Path, name: str) -> Optional[Path]:
    """The connector's answers.json in its state folder, else a .cruft.json left in its connector folder, else None."""
    path = facts.state_folder(hummingbot_root, name) / facts.STATE_ANSWERS_FILE
    if path.is_file():
        return path
    legacy = hummingbot_root / connector_folders(name)[0] / LEGACY_ANSWERS_FILE
    return legacy if legacy.is_file() else None


def read_answers_file(path: Path) -> Recorded:
    text = path.read_text()
    if path.name == LEGACY_ANSWERS_FILE:  # cruft's format
        state = json.loads(text)
        return Recorded(path, text, state.get("template"), state.get("commit"), None,
                        dict(state["context"]["cookiecutter"]), legacy=True)
    state = regeneration.read_state(path)
    return Recorded(path, text, state.get("template"), state.get("commit"), state.get("hummingbot_version"),
                    dict(state["answers"]))


def checked_answers(answers: Dict[str, Any]) -> tuple:
    """(normalised answers, refusals) by this tool's rules; where the connector was rendered from does not matter."""
    recorded = {key: value for key, value in answers.items() if not key.startswith("_") or key.startswith("__")}
    recorded["hummingbot_root"] = ""  # the update renders workspaces
    normalised, errors = check_answers(recorded, template_defaults(), rendered=True)
    return {key: value for key, value in normalised.items() if key != "hummingbot_root"}, errors


def refuse_unsafe_template(template: Any, where: str) -> None:
    if not isinstance(template, str) or not template or template.startswith("-") or holds_template_syntax(template):
        raise UpdateFailed(f"{where}template {template!r} is invalid: give the template's repository URL or folder; "
                           f"nothing was changed")


def refuse_unsafe_answers_file(recorded: Recorded) -> None:
    """
    The answers are checked by this tool's own rules before any template renders them: the previous render may come
    from a template commit that predates the answer guard, and cookiecutter would evaluate an answer as Jinja.
    """
    _, errors = checked_answers(recorded.answers)
    if errors:
        raise UpdateFailed(f"{recorded.path}: {errors[0]}; nothing was changed")
    refuse_unsafe_template(recorded.template, f"{recorded.path}: ")
    commit = recorded.commit
    if commit is not None and not (isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{7,64}", commit)):
        raise UpdateFailed(f"{recorded.path}: commit {commit!r} is invalid: give the template commit the connector "
                           f"was rendered from; nothing was changed")


def template_source(template: str, hummingbot_root: Path) -> str:
    """Where to clone the template from: abbreviations expanded with the user's cookiecutter settings."""
    return regeneration.template_to_clone(
        template, hummingbot_root, lambda named: expand_abbreviations(named, get_user_config()["abbreviations"]))


def take_out_legacy_files(connector_copy: Path, state_folder: Path) -> List[str]:
    """A connector generated before the state folder: its .cruft.json leaves the folder, its checklist moves out."""
    (connector_copy / LEGACY_ANSWERS_FILE).unlink(missing_ok=True)
    checklist = connector_copy / facts.CHECKLIST_FILE
    if checklist.is_file():
        if not (state_folder / facts.CHECKLIST_FILE).exists():
            shutil.copy2(checklist, state_folder / facts.CHECKLIST_FILE)
        checklist.unlink()
    return [f"spot-connector: moved the answers and the checklist out of {connector_copy.name}'s connector folder, "
            f"to {state_folder} (they are no longer part of the connector's files)"]


def write_atomically(path: Path, text: str) -> None:
    staged = path.with_name(f".{path.name}.spot-connector-staging-{os.getpid()}")
    try:
        staged.write_text(text)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)


def update_connector(hummingbot_root: Path, name: str, checkout: Optional[str] = None) -> List[str]:
    """Updates the connector to the template at `checkout` (default: HEAD); returns the conflicting files."""
    report(placement.recover_interrupted_placement(hummingbot_root))
    folders = connector_folders(name)
    refuse_symlinked_folders(hummingbot_root, folders)
    path = answers_file(hummingbot_root, name)
    if path is None:
        raise UpdateFailed(f"no answers for {name} in {facts.state_folders(hummingbot_root, name)[0]}: was the "
                           f"connector rendered into this checkout by this template?")
    recorded = read_answers_file(path)
    refuse_unsafe_answers_file(recorded)
    answers, template = recorded.answers, recorded.template
    current_version = facts.hummingbot_version(hummingbot_root)
    state_folder = path.parent if not recorded.legacy else facts.state_folders(hummingbot_root, name)[0]
    with tempfile.TemporaryDirectory(prefix="spot-connector-update-") as scratch:
        clone = Path(scratch) / "template"
        clone_template(template_source(template, hummingbot_root), clone)
        new_commit = resolve_commit(clone, checkout or "HEAD")
        base = render_at_commit(clone, recorded.commit, answers, Path(scratch) / "base", hummingbot_root)
        theirs = render_at_commit(clone, new_commit, answers, Path(scratch) / "new", hummingbot_root)
        # From reading the author's files to swapping in the merge, nothing else may change the connector.
        with placement.exclusive_checkout(hummingbot_root) as recovered:
            report(recovered)
            refuse_symlinked_folders(hummingbot_root, folders)
            if not path.is_file() or path.read_text() != recorded.text:
                raise UpdateFailed(f"{path} changed during the update; nothing was changed: run it again")
            merged = Path(scratch) / "merged"
            conflicts = merge_into_copies(hummingbot_root, folders, base, theirs, merged)
            regeneration.make_state_folder(state_folder, hummingbot_root)
            if recorded.legacy:
                report(take_out_legacy_files(merged / folders[0], state_folder))
            report(placement.replace_folders(hummingbot_root, {folder: merged / folder for folder in folders
                                                               if (merged / folder).is_dir()}))
            write_atomically(state_folder / facts.STATE_ANSWERS_FILE, regeneration.state_content(
                answers, template, new_commit, current_version))
    return conflicts


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("hummingbot_root", type=Path)
    parser.add_argument("connector_name")
    parser.add_argument("--checkout", help="template commit, tag or branch to update to (default: its HEAD)")
    args = parser.parse_args(argv)
    _, name_error = check_connector_name(args.connector_name)
    if name_error:
        print(f"spot-connector: {name_error}", file=sys.stderr)
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
