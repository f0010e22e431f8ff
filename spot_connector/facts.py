"""Facts about where a connector lives and what a hummingbot checkout looks like, defined once."""
from pathlib import Path
from typing import List

# The spec's "Directory Setup": the connector and its tests, relative to a checkout's (or a workspace's) root.
CONNECTOR_PACKAGE_DIR = "hummingbot/connector/exchange/{name}"
CONNECTOR_TEST_DIR = "test/hummingbot/connector/exchange/{name}"
ANSWERS_FILE = ".cruft.json"
CHECKLIST_FILE = "CHECKLIST.md"
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


# Written into a workspace while cookiecutter renders it, removed when the render completes: a folder that still holds
# it was left by a render that was stopped (spot_connector/render_watchdog.py removes such a folder).
RENDER_IN_PROGRESS_MARKER = ".spot-connector-render-in-progress"
