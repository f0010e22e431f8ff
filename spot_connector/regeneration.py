"""
What regenerating a connector needs, and where it is kept.

A standalone workspace keeps cruft's `.cruft.json` at its root (cruft reads it there). A connector rendered into a
hummingbot checkout keeps `answers.json` and its `CHECKLIST.md` in its state folder (`facts.state_folder`: the
checkout's git directory, `<git dir>/spot-connector/<name>/`), never in the connector's two folders. `answers.json`
is path-free: the template as the user named it, its commit, the hummingbot version the connector was rendered
against and the answers, without anything that describes one run on one machine.
"""
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional

from spot_connector import facts
from spot_connector.answers import TEMPLATE_PROMPTS

STATE_VERSION = 1
# The answers a connector is regenerated from: every prompt but hummingbot_root, which says where a render goes (the
# update tool is given the checkout), not what it writes. `_` entries describe one run (_replace_existing, _template,
# _output_dir ...) and `__` entries are derived by the template.
RECORDED_ANSWERS = tuple(key for key in TEMPLATE_PROMPTS if not key.startswith("_") and key != "hummingbot_root")
# cookiecutter's built-in abbreviations; importing cookiecutter in the hook would cost a third of a second per render.
TEMPLATE_ABBREVIATIONS = {
    "gh:": "https://github.com/{0}.git",
    "gl:": "https://gitlab.com/{0}.git",
    "bb:": "https://bitbucket.org/{0}",
}
REPOSITORY_URL = re.compile(r"^(git\+|hg\+)?(file|git|ssh|https?)://|^[\w.-]+@[\w.-]+:")
ABBREVIATION = re.compile(r"^[A-Za-z][\w.+-]*:(?![/\\])")  # gh:org/repo, or one of the user's own abbreviations


def is_local_path(template: str) -> bool:
    """A folder (or archive) on this machine, not a repository URL or an abbreviation of one."""
    return not (REPOSITORY_URL.match(template) or ABBREVIATION.match(template))


# ---- the template's location ----
def cruft_template_location(template: str, repo_dir: Optional[str]) -> str:
    """What cruft clones again (`.cruft.json`): an expanded repository URL, or the template folder's absolute path."""
    for prefix, url in TEMPLATE_ABBREVIATIONS.items():
        if template.startswith(prefix):
            return url.format(template[len(prefix):])
    if not is_local_path(template):
        return template
    return str(Path(repo_dir or template).expanduser().resolve())


def template_as_named(template: str, repo_dir: Optional[str], checkout: Path) -> str:
    """
    The template as the user named it, for a checkout's answers: a URL or an abbreviation (gh:org/spot-connector) as
    given, a local folder as given when absolute, and a relative one from the checkout's root, where the update tool
    reads it from (the same text when cookiecutter ran in the checkout's root).
    """
    if not is_local_path(template) or template.startswith("~") or os.path.isabs(template):
        return template
    folder = Path(repo_dir or template).expanduser().resolve()
    return os.path.relpath(folder, Path(checkout).resolve())


def template_to_clone(template: str, checkout: Path, expand_abbreviations: Callable[[str], str]) -> str:
    """
    Where the update tool clones a recorded template from: an abbreviation expanded (as cookiecutter does, with the
    user's own abbreviations), a URL as it is, a local folder with `~` expanded and, when relative, read from the
    checkout's root.
    """
    if not is_local_path(template):
        return expand_abbreviations(template)
    path = Path(template).expanduser()
    return str(path if path.is_absolute() else Path(checkout) / path)


# ---- answers.json ----
def recorded_answers(answers: Mapping[str, Any]) -> Dict[str, Any]:
    return {key: answers[key] for key in RECORDED_ANSWERS if key in answers}


def state_content(answers: Mapping[str, Any], template: str, commit: Optional[str],
                  hummingbot_version: Optional[str]) -> str:
    state = {"version": STATE_VERSION, "template": template, "commit": commit,
             "hummingbot_version": hummingbot_version, "answers": recorded_answers(answers)}
    return json.dumps(state, indent=2, sort_keys=True) + "\n"


def make_state_folder(folder: Path, checkout: Path) -> Path:
    """
    Creates the state folder. In a checkout without git it lies in the checkout's tree: the folder above it gets a
    `.gitignore` that ignores everything, itself included, so that it never shows in `git status`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    untracked_root = Path(checkout) / Path(facts.STATE_WITHOUT_GIT).parts[0]
    if untracked_root in folder.parents and not (untracked_root / ".gitignore").exists():
        (untracked_root / ".gitignore").write_text("# spot-connector's regeneration state: never committed\n*\n")
    return folder


def read_state(path: Path) -> Dict[str, Any]:
    """answers.json as recorded; the update tool checks every entry before it uses one."""
    state = json.loads(path.read_text())
    if not isinstance(state, dict) or not isinstance(state.get("answers"), dict):
        raise ValueError(f"{path} holds no answers")
    return state
