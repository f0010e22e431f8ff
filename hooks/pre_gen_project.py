"""
pre_gen_project hook: the last check of the answers before any file is written, and the guard against interrupts.

The answers were already checked, and normalised, by the template's Jinja extension (`spot_connector.jinja_guard`)
before cookiecutter evaluated them; this hook checks them again as data (a replay file can bypass the prompts), then
marks the new workspace as a render in progress and starts the watchdog that removes it if cookiecutter is stopped
before the render completes. The answers arrive as data (cookiecutter's context as JSON), never pasted into code.
"""
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''
# The template's own tooling (spot_connector/) lives beside the hooks; cookiecutter runs each hook from a copy in the
# temporary folder, so the folder is rendered in by the Jinja extension. Imported unrendered (tests), it is unused.
RENDERED_TEMPLATE_DIR = r'''{{ spot_connector_template_dir | default("") | tojson }}'''

# Run in a detached process: waits until cookiecutter has removed the project folder, then removes the now empty
# folders it made above it (os.rmdir removes nothing else).
_REMOVE_EMPTY_PARENTS = """
import os, sys, time
project, parents = sys.argv[1], sys.argv[2:]
deadline = time.monotonic() + 10
while os.path.exists(project) and time.monotonic() < deadline:
    time.sleep(0.05)
for parent in parents:
    try:
        os.rmdir(parent)
    except OSError:
        break
"""


def remove_created_parent_folders_after_exit(project_dir: Path, output_dir: Path) -> None:
    """
    Without the Jinja guard (a replay file that drops it), a connector_name holding a path separator reaches
    cookiecutter, which makes every folder up to the project folder and, on a refusal, removes only the last one.
    """
    parents = []
    for parent in project_dir.parents:
        if parent == output_dir:
            break
        if sorted(os.listdir(parent)) != [(parents[-1] if parents else project_dir).name]:
            return  # the folder holds more than the chain: it was there before
        parents.append(parent)
    else:
        return
    if parents:
        subprocess.Popen([sys.executable, "-c", _REMOVE_EMPTY_PARENTS, str(project_dir), *map(str, parents)],
                         start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    os.unlink(__file__)  # cookiecutter writes each hook to a temporary file and never removes it
    if RENDERED_TEMPLATE_DIR == '""':
        print("spot-connector: the answers do not load the template's Jinja extension (_extensions was changed, "
              "e.g. in a replay file); render again without --replay", file=sys.stderr)
        if json.loads(ANSWERS_JSON).get("_output_dir"):
            remove_created_parent_folders_after_exit(Path.cwd(), Path(json.loads(ANSWERS_JSON)["_output_dir"]))
        sys.exit(1)
    sys.path.insert(0, json.loads(RENDERED_TEMPLATE_DIR))

from spot_connector.answers import check_answers  # noqa: E402
from spot_connector.facts import RENDER_IN_PROGRESS_MARKER  # noqa: E402
from spot_connector.jinja_guard import template_defaults  # noqa: E402


def start_render_watchdog(template_dir: Path, workspace: Path) -> None:
    """A detached process that outlives cookiecutter: it removes the workspace if cookiecutter stops mid-render."""
    subprocess.Popen([sys.executable, str(template_dir / "spot_connector" / "render_watchdog.py"),
                      str(os.getppid()), str(workspace)],
                     start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def main(answers: Dict[str, Any], template_dir: Path) -> int:
    _, errors = check_answers(answers, template_defaults(), rendered=True)
    for error in errors:
        print(f"spot-connector: {error}", file=sys.stderr)
    if errors:
        return 1
    if answers.get("_output_dir"):  # cookiecutter's own run, not cruft's renders in its temporary folders
        workspace = Path.cwd()
        (workspace / RENDER_IN_PROGRESS_MARKER).write_text("")
        start_render_watchdog(template_dir, workspace)
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(ANSWERS_JSON), Path(json.loads(RENDERED_TEMPLATE_DIR))))
