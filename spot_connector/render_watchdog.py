"""
Removes a workspace whose render was stopped: started detached by the pre-gen hook, it waits for cookiecutter's
process to end, then removes the workspace if it still holds the render-in-progress marker (a completed render has
removed the marker, or moved the workspace into a checkout).

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
    deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
    while process_is_alive(pid) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    if not process_is_alive(pid) and (workspace / RENDER_IN_PROGRESS_MARKER).is_file():
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    watch(int(sys.argv[1]), Path(sys.argv[2]))
