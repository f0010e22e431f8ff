"""
The Jinja extension `cookiecutter.json` loads (`_extensions`): answers are checked before cookiecutter evaluates them.

cookiecutter renders every answer as a Jinja template in an unsandboxed environment (`{{ cycler.__init__... }}` would
run as Python), and it does so before any hook runs. The one piece of a template that runs earlier is a Jinja
extension: cookiecutter builds an environment, loading this extension, before it renders the answers, before it
writes the project folder and before it renders each hook. Each time, `AnswersAreData` reads the answers from the
context that environment is built for and either refuses them (one line per bad answer on stderr, exit status 1,
nothing evaluated or written) or normalises them in place. The same happens under cruft and the update tool, which
build their environments the same way.

It also gives the templates the filters that compute the derived values (`class_prefix`, `display_name`,
`api_credentials`, `extra_credentials`, `domain_url`, and `host_label` for the default URLs), the
`shape(prompt, point)` function that names the partial a shape prompt's answer renders at a point
(docs/architecture.md), and tells the hooks where the template's own tooling lives (`spot_connector_template_dir`).
"""
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from jinja2 import Environment, pass_context
from jinja2.ext import Extension

from spot_connector import answers as answer_rules
from spot_connector import hummingbot_releases
from spot_connector.facts import RENDER_IN_PROGRESS_MARKER, enclosing_checkout

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
# The longest path a render writes below its output folder, for a connector named {name}.
LONGEST_RENDERED_PATH = "{name}/test/hummingbot/connector/exchange/{name}/test_{name}_api_user_stream_data_source.py"
MAX_PATH_LENGTH = 4000
_checked_output_folders: Dict[int, Dict[str, Any]] = {}


class AnswersRefused(SystemExit):
    """Raised with exit status 1 once the refusals are printed: cookiecutter and cruft then stop without a traceback."""

    def __init__(self, reasons: List[str]):
        super().__init__(1)
        self.reasons = reasons


def refuse(reasons: List[str]) -> None:
    for reason in reasons:
        print(f"spot-connector: {reason}", file=sys.stderr)
    raise AnswersRefused(reasons)


def template_defaults() -> Dict[str, Any]:
    return json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def context_being_rendered() -> Optional[Dict[str, Any]]:
    """
    The context cookiecutter builds this environment for. A Jinja extension is handed only the environment;
    cookiecutter's `ExtensionLoaderMixin.__init__` holds the context as its `context` argument while it builds it.
    """
    from cookiecutter.environment import ExtensionLoaderMixin
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is ExtensionLoaderMixin.__init__.__code__:
            return frame.f_locals.get("context") or None
        frame = frame.f_back
    return None


def cookiecutter_call_locals() -> Optional[Dict[str, Any]]:
    """The local variables of the `cookiecutter.main.cookiecutter` call this environment is built in, if any."""
    from cookiecutter.main import cookiecutter
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is cookiecutter.__code__:
            return frame.f_locals
        frame = frame.f_back
    return None


def forget_refused_replay() -> None:
    """
    cookiecutter saves the answers of a run to its replay file before it generates anything, so answers typed at the
    prompts and refused now (a URL with a password, a payload) would stay on disk: remove that file. A replay file
    the user named (--replay, --replay-file) is theirs and stays.
    """
    call = cookiecutter_call_locals()
    if not call or call.get("replay") or "template_name" not in call or "config_dict" not in call:
        return
    name = call["template_name"]
    replay_file = Path(call["config_dict"]["replay_dir"]) / (name if name.endswith(".json") else f"{name}.json")
    replay_file.unlink(missing_ok=True)


def is_rendered(answers: Dict[str, Any]) -> bool:
    """cookiecutter records `_output_dir` and cruft `_commit` once the answers are rendered, before any file is."""
    return "_output_dir" in answers or "_commit" in answers


def output_folder_problems(answers: Dict[str, Any]) -> List[str]:
    try:
        return _output_folder_problems(answers)
    except OSError as error:  # e.g. a folder name over the file system's limit
        return [f"the output folder {answers['_output_dir']} cannot be used: {error.strerror}"]


def _output_folder_problems(answers: Dict[str, Any]) -> List[str]:
    """
    Checked once per render, before cookiecutter makes the project folder: it must not exist (with -f cookiecutter
    would write into it, and a render into a checkout removes its workspace afterwards), the paths must fit, and a
    folder inside a checkout must be the checkout's root.
    """
    output_dir = Path(answers["_output_dir"])
    name = answers["connector_name"]
    project = output_dir / name
    if len(str(output_dir / LONGEST_RENDERED_PATH.format(name=name))) > MAX_PATH_LENGTH:  # before any look at it
        return [f"the output folder {output_dir} is too deep: the connector's paths would pass {MAX_PATH_LENGTH} "
                f"characters; render from a shorter path"]
    if (project / RENDER_IN_PROGRESS_MARKER).is_file():
        return [f"{project} was left by a render that was stopped (it holds {RENDER_IN_PROGRESS_MARKER}); remove "
                f"it (rm -r {project}) and run again"]
    if project.exists() or project.is_symlink():
        return [f"{project} already exists; a render writes only into a folder it creates: move it away or run "
                f"cookiecutter from another folder (with hummingbot_root=<checkout> to render into a checkout)"]
    existing = next((folder for folder in [output_dir, *output_dir.parents] if folder.exists()), None)
    if existing is None or not existing.is_dir():
        return [f"the output folder {output_dir} cannot be made: {existing} is not a folder"]
    if not os.access(existing, os.W_OK | os.X_OK):
        return [f"the output folder {output_dir} cannot be written: {existing} is not writable for you"]
    checkout = enclosing_checkout(existing)
    if checkout is not None and checkout != existing and not answers.get("hummingbot_root"):
        return [f"{output_dir} is inside the hummingbot checkout {checkout}: run cookiecutter from {checkout} or "
                f"answer hummingbot_root={checkout}"]
    return []


def normalise_local_template(answers: Dict[str, Any]) -> None:
    """
    The folder of a template given as a relative path is made absolute, from the folder cookiecutter was run in (the
    hooks run elsewhere). `_template` stays as the user named it: a checkout's answers record it so.
    """
    value = answers.get("_repo_dir")
    if isinstance(value, str) and value and Path(value).expanduser().is_dir():
        answers["_repo_dir"] = str(Path(value).expanduser().resolve())


def guard(context: Dict[str, Any]) -> None:
    answers = context.get("cookiecutter")
    if not isinstance(answers, dict):
        return
    normalised, errors = answer_rules.check_answers(answers, template_defaults(), rendered=is_rendered(answers))
    if not errors and "_output_dir" in answers and id(context) not in _checked_output_folders:
        errors = output_folder_problems(normalised)
        _checked_output_folders[id(context)] = context  # kept alive so that its id is not reused by another render
    if errors:
        if "_output_dir" in answers:
            forget_refused_replay()
        refuse(errors)
    answers.update(normalised)
    normalise_local_template(answers)


@pass_context
def shape(context, prompt: str, point: str) -> str:
    """
    The partial that renders `point` for the answer given to the shape prompt `prompt`:
    templates/<prompt>/<value>/<point>.j2, a yes/no answer being `yes` or `no`, and an optional text answer
    (answers.OPTIONAL_SHAPE_PROMPTS) `none` when empty and `yes` otherwise (docs/architecture.md).
    """
    value = context["cookiecutter"][prompt]
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif prompt in answer_rules.OPTIONAL_SHAPE_PROMPTS:
        value = "yes" if value else "none"
    return f"{prompt}/{value}/{point}.j2"


@pass_context
def hummingbot_feature(context, feature: str, point: str) -> str:
    """
    The partial that renders `point` as the target hummingbot allows: templates/hummingbot_features/<feature>/<yes|no>/
    <point>.j2, whether the checkout the connector lands in has `feature` (spot_connector/hummingbot_releases.py).
    """
    present = hummingbot_releases.target_has(context["cookiecutter"], feature)
    return f"hummingbot_features/{feature}/{'yes' if present else 'no'}/{point}.j2"


class AnswersAreData(Extension):
    def __init__(self, environment: Environment):
        super().__init__(environment)
        environment.filters.update(answer_rules.FILTERS)
        environment.globals["shape"] = shape
        environment.globals["hummingbot_feature"] = hummingbot_feature
        environment.globals["hummingbot_features"] = hummingbot_releases.FEATURES
        environment.globals["spot_connector_template_dir"] = str(TEMPLATE_DIR)
        context = context_being_rendered()
        if context is not None:
            guard(context)
