"""
A hummingbot source tree made from the pinned, installed hummingbot package, for the in-checkout tests.

A git checkout of hummingbot has the `hummingbot` package (built in place) and a `test` package beside it. Here the
installed package is laid out the same way: the top-level `hummingbot/__init__.py` and the folders that a connector
render writes into (`hummingbot/connector/exchange/`) are real, everything else links to the installed files. The
`test` package carries the support module a checkout has (`test/isolated_asyncio_wrapper_test_case.py`). Like a clone
of hummingbot, it is a git repository with everything committed and hummingbot's build output ignored.
"""
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import hummingbot

from rendering import TEMPLATE_ROOT

INSTALLED_PACKAGE = Path(hummingbot.__file__).resolve().parent
# What hummingbot's own .gitignore keeps out of `git status` that a test run or a build writes.
GITIGNORE = "__pycache__/\n*.py[cod]\n*.so\n*.cpp\n*.c\nbuild/\n.pytest_cache/\n"
TEST_SUPPORT = TEMPLATE_ROOT / "{{cookiecutter.connector_name}}" / "test" / "isolated_asyncio_wrapper_test_case.py"


def _link_children(source: Path, target: Path, real: set) -> None:
    """Recreates `source` at `target`: children listed in `real` become real folders, the others symlinks."""
    target.mkdir(parents=True)
    for child in source.iterdir():
        if child.name == "__pycache__":
            continue
        if child.name in real:
            continue
        if child.name == "__init__.py":
            # A real file: hummingbot.root_path() resolves symlinks from here and must land in this tree.
            shutil.copy2(child, target / child.name)
        else:
            (target / child.name).symlink_to(child)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def git_status(root: Path) -> List[str]:
    """`git status --porcelain` of the checkout, one entry a line (untracked folders as one entry)."""
    return git(root, "status", "--porcelain").splitlines()


def make_hummingbot_checkout(root: Path, git_repository: bool = True) -> Path:
    package = root / "hummingbot"
    _link_children(INSTALLED_PACKAGE, package, real={"connector"})
    _link_children(INSTALLED_PACKAGE / "connector", package / "connector", real={"exchange"})
    _link_children(INSTALLED_PACKAGE / "connector" / "exchange", package / "connector" / "exchange", real=set())

    for folder in ["test", "test/hummingbot", "test/hummingbot/connector", "test/hummingbot/connector/exchange"]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "__init__.py").write_text("")
    shutil.copy2(TEST_SUPPORT, root / "test" / "isolated_asyncio_wrapper_test_case.py")
    (root / "setup.py").write_text("# hummingbot's setup script stands here in a checkout\n")
    if git_repository:
        (root / ".gitignore").write_text(GITIGNORE)
        git(root, "init", "--quiet", "--initial-branch=master")
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--message", "hummingbot")
    return root


def tree_digest(root: Path) -> Dict[str, str]:
    """
    Path -> content hash (or link target) for every file and link of the working tree under `root`, links not
    followed. The git directory is left out: git itself rewrites its index, and a connector's state folder is there
    (compare it with `tree_digest(state folder)`).
    """
    digest = {}
    for folder, subfolders, files in os.walk(root):
        # git's own stores (the checkout's, a committed standalone render's) are not the tree that is compared
        subfolders[:] = [name for name in subfolders if name not in ("__pycache__", ".git")]
        for name in sorted(files + [d for d in subfolders if os.path.islink(os.path.join(folder, d))]):
            path = Path(folder) / name
            relative = str(path.relative_to(root))
            if path.is_symlink():
                digest[relative] = "link:" + os.readlink(path)
            else:
                digest[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        for name in subfolders:
            digest.setdefault(str((Path(folder) / name).relative_to(root)) + "/", "folder")
    return digest
