"""Facts about where a connector lives and what a hummingbot checkout looks like, defined once."""
from importlib import metadata
from pathlib import Path
from typing import List, Optional

# The spec's "Directory Setup": the connector and its tests, relative to a checkout's (or a workspace's) root.
CONNECTOR_PACKAGE_DIR = "hummingbot/connector/exchange/{name}"
CONNECTOR_TEST_DIR = "test/hummingbot/connector/exchange/{name}"
# A standalone workspace keeps its answers where cruft expects them, at its root, beside CHECKLIST.md.
ANSWERS_FILE = ".cruft.json"
CHECKLIST_FILE = "CHECKLIST.md"
# A connector rendered into a checkout keeps what regenerating it needs (the answers, the template as the user named
# it, its commit, the hummingbot version) and its checklist outside the connector's two folders, so that `git add` of
# those folders never sweeps them into a connector PR: in the checkout's git directory, which git never tracks, lists
# or cleans. docs/updating.md says where and why.
STATE_IN_GIT_DIR = "spot-connector/{name}"
# A checkout that is not a git repository (a source archive) keeps it in this folder of its root instead; its own
# .gitignore (`*`) keeps it out of `git status` should the checkout become a repository later.
STATE_WITHOUT_GIT = ".spot-connector/{name}"
STATE_ANSWERS_FILE = "answers.json"
# hummingbot before 1.6 listed every connector's API keys in this file; newer checkouts do not have it.
LEGACY_CONF_GLOBAL_TEMPLATE = Path("hummingbot") / "templates" / "conf_global_TEMPLATE.yml"
BASE_CREDENTIALS = ("api_key", "api_secret")


def connector_folders(name: str) -> List[str]:
    """Where the connector and its tests live, from a checkout's (or workspace's) root."""
    return [CONNECTOR_PACKAGE_DIR.format(name=name), CONNECTOR_TEST_DIR.format(name=name)]


def is_hummingbot_checkout(root: Path) -> bool:
    """A hummingbot source tree: the package with its exchange connectors, and the test tree beside it."""
    return ((root / "hummingbot" / "__init__.py").is_file()
            and (root / "hummingbot" / "connector" / "exchange").is_dir()
            and (root / "test" / "hummingbot").is_dir())


def enclosing_checkout(folder: Path):
    """The hummingbot checkout `folder` lies in (the folder itself or an ancestor), or None."""
    for candidate in [folder, *folder.parents]:
        if is_hummingbot_checkout(candidate):
            return candidate
    return None


def checkout_git_dir(root: Path) -> Optional[Path]:
    """
    The git directory shared by every working tree of the repository whose root is `root`, or None when `root` has
    no `.git` of its own. A `.git` folder is that directory; a `.git` file (`gitdir: <path>`) is a linked worktree's
    or a submodule's: a worktree's own git directory names the shared one in its `commondir` file. Read from the
    files, not from `git`, so that a checkout inside another repository is never mistaken for part of it.
    """
    dot_git = root / ".git"
    if dot_git.is_dir():
        git_dir = dot_git
    elif dot_git.is_file():
        line = dot_git.read_text(errors="replace").strip()
        if not line.startswith("gitdir:"):
            return None
        git_dir = (root / line[len("gitdir:"):].strip()).resolve()
        if not git_dir.is_dir():
            return None
    else:
        return None
    common = git_dir / "commondir"
    if common.is_file():
        shared = (git_dir / common.read_text().strip()).resolve()
        if shared.is_dir():
            return shared
    return git_dir


def state_folders(root: Path, name: str) -> List[Path]:
    """Where a checkout's connector `name` keeps its regeneration state, first the place a render writes it."""
    git_dir = checkout_git_dir(root)
    fallback = root / STATE_WITHOUT_GIT.format(name=name)
    return [git_dir / STATE_IN_GIT_DIR.format(name=name), fallback] if git_dir is not None else [fallback]


def state_folder(root: Path, name: str) -> Path:
    """The folder that holds (or will hold) the connector's answers and checklist: the first that has answers."""
    folders = state_folders(root, name)
    return next((folder for folder in folders if (folder / STATE_ANSWERS_FILE).is_file()), folders[0])


def hummingbot_version(root: Optional[Path]) -> Optional[str]:
    """The checkout's `hummingbot/VERSION`, else the installed hummingbot package's version, else None."""
    version_file = root / "hummingbot" / "VERSION" if root is not None else None
    if version_file is not None and version_file.is_file():
        return version_file.read_text(errors="replace").strip() or None
    try:
        return metadata.version("hummingbot")
    except metadata.PackageNotFoundError:
        return None


# Written into a workspace while cookiecutter renders it, removed when the render completes: a folder that still holds
# it was left by a render that was stopped (spot_connector/render_watchdog.py removes such a folder).
RENDER_IN_PROGRESS_MARKER = ".spot-connector-render-in-progress"
