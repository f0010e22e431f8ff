"""
Interrupting a render into a checkout, as a user would (Ctrl-C, kill, kill -9), at several points: the checkout ends
byte-identical to before or complete (the connector's two folders added, nothing else), never in between, and
nothing of the render is left in it.

The render runs from the checkout's root, so its workspace lives inside the checkout while cookiecutter writes it: the
hardest case. A copy of the template pauses its hooks at a chosen point (a line inserted in the copy only), the test
signals cookiecutter there, then lets the hook go on.
"""
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from checkout import make_hummingbot_checkout, tree_digest
from rendering import NOT_IN_A_CLONE, VENV_BIN, clean_template, workspace_env

from spot_connector.facts import connector_folders

NAME = "acme_interrupted"
PAUSE = ("{indent}import os as _os, time as _time; _folder = _os.environ['PAUSE_DIR']; "
         "open(_os.path.join(_folder, 'paused'), 'w').close(); _deadline = _time.monotonic() + 30\n"
         "{indent}while not _os.path.exists(_os.path.join(_folder, 'release')) and _time.monotonic() < _deadline: "
         "_time.sleep(0.02)\n")
# Where a hook pauses: (hook file, the line the pause goes before).
PAUSE_POINTS = {
    "workspace created, nothing rendered": ("pre_gen_project.py", "    return 0\n\n\nif __name__"),
    "workspace rendered, nothing placed": ("post_gen_project.py", "    checkout = target_checkout(answers)\n"),
    "connector placed, workspace still there": ("post_gen_project.py", "    os.chdir(checkout)\n"),
}
SIGNALS = {
    "ctrl-c": lambda process: os.killpg(process.pid, signal.SIGINT),  # the terminal signals the whole group
    "kill": lambda process: process.send_signal(signal.SIGTERM),
    "kill -9": lambda process: process.send_signal(signal.SIGKILL),
}


def template_pausing_at(point: str, folder: Path) -> Path:
    template = folder / "spot-connector"
    shutil.copytree(clean_template(), template, ignore=NOT_IN_A_CLONE)
    hook_file, anchor = PAUSE_POINTS[point]
    hook = template / "hooks" / hook_file
    source = hook.read_text()
    assert source.count(anchor) == 1, f"the pause anchor moved in {hook_file}: {anchor!r}"
    hook.write_text(source.replace(anchor, PAUSE.format(indent="    ") + anchor))
    return template


def digest_while_others_work(root: Path) -> dict:
    """The tree's digest, read again when a file goes away while it is read (the watchdog may be removing it)."""
    while True:
        try:
            return tree_digest(root)
        except FileNotFoundError:
            time.sleep(0.05)


def settled_tree(root: Path, acceptable, timeout: float = 40) -> dict:
    """The checkout's tree once it is acceptable (the watchdog and a released hook finish by themselves), or at last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tree = digest_while_others_work(root)
        if acceptable(tree):
            time.sleep(0.5)  # still so a moment later: nothing is still at work on it
            if digest_while_others_work(root) == tree:
                return tree
        time.sleep(0.1)
    return digest_while_others_work(root)


@pytest.mark.parametrize("how", sorted(SIGNALS))
@pytest.mark.parametrize("point", list(PAUSE_POINTS))
def test_an_interrupted_render_leaves_the_checkout_as_it_was_or_complete(tmp_path, point, how):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    before = tree_digest(root)
    template = template_pausing_at(point, tmp_path)
    pause_dir = tmp_path / "pause"
    pause_dir.mkdir()
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(tmp_path / 'replay'))}\n")
    process = subprocess.Popen([str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config),
                                str(template), f"connector_name={NAME}"],
                               cwd=root, env=dict(workspace_env(), PAUSE_DIR=str(pause_dir)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (pause_dir / "paused").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (pause_dir / "paused").exists(), process.stderr.read().decode() if process.poll() is not None else ""

    SIGNALS[how](process)
    process.wait(timeout=30)
    (pause_dir / "release").write_text("")

    def is_before(tree):
        return tree == before

    def is_complete(tree):
        added = set(tree) - set(before)
        return (all(tree.get(path) == digest for path, digest in before.items())
                and added and all(path.startswith(tuple(connector_folders(NAME))) for path in added)
                and all(f"{folder}/__init__.py" in tree for folder in connector_folders(NAME)))

    tree = settled_tree(root, lambda tree: is_before(tree) or is_complete(tree))
    assert is_before(tree) or is_complete(tree), sorted(set(tree) ^ set(before))[:20]
    assert not (root / NAME).exists()
