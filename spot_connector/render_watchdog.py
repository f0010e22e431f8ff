"""
Removes a workspace whose render was stopped: started detached by the pre-gen hook, it waits while the workspace
holds the render-in-progress marker; if cookiecutter's process ends first, it removes the workspace. A completed
render removes the marker (or the whole workspace, once it is placed in a checkout), a failed one cookiecutter removes:
the watchdog then ends by itself.

    python render_watchdog.py <cookiecutter pid> <workspace>
"""
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the template's folder

from spot_connector.facts import RENDER_IN_PROGRESS_MARKER  # noqa: E402

POLL_SECONDS = 0.1
GIVE_UP_AFTER_SECONDS = 3600  # a render never takes this long: never leave a process behind for ever


def process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch(pid: int, workspace: Path) -> None:
    """Until the render completes or fails (the marker goes, with or without its workspace) or cookiecutter ends."""
    marker = workspace / RENDER_IN_PROGRESS_MARKER
    deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
    while marker.is_file() and process_is_alive(pid) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    if marker.is_file() and not process_is_alive(pid):
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    watch(int(sys.argv[1]), Path(sys.argv[2]))
