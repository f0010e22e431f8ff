"""
Lets this standalone workspace behave like a hummingbot checkout for the connector it holds.

hummingbot is installed as a package, so two things a checkout gives for free are set up here, before any test
module is imported:
- `hummingbot.connector.exchange.<name>` must import from this workspace's `hummingbot/` folder;
- hummingbot's connector discovery (`AllConnectorSettings.create_connector_settings`) must list the connector:
  fills look their fee schema up there and fail with "Invalid connector" otherwise.
Inside a real hummingbot checkout this file is not rendered: the checkout's own tree does both.

It also lets the suite run against an older hummingbot release than the one the workspace pins
(`make test HUMMINGBOT_VERSION=<release>`): a test of a hummingbot feature that release does not have yet is skipped,
with the reason, instead of failing.
"""
import importlib.metadata
import re
from pathlib import Path
from typing import Dict, Tuple

import pytest

import hummingbot
import hummingbot.connector.exchange as exchange_package
from hummingbot.client import settings

WORKSPACE_ROOT = Path(__file__).resolve().parent
INSTALLED_HUMMINGBOT = Path(hummingbot.__file__).resolve().parent.parent  # the folder that holds the package


def _add_workspace_connectors_to_package_path() -> None:
    workspace_exchanges = str(WORKSPACE_ROOT / "hummingbot" / "connector" / "exchange")
    if workspace_exchanges not in exchange_package.__path__:
        exchange_package.__path__.append(workspace_exchanges)


def _include_workspace_in_connector_discovery() -> None:
    scan_installed_connectors = settings.AllConnectorSettings.create_connector_settings.__func__
    if getattr(scan_installed_connectors, "includes_workspace", False):
        return

    def create_connector_settings(cls):
        installed = dict(scan_installed_connectors(cls))
        # The same scan, rooted at this workspace: it finds the connector folders that hold an __init__.py.
        original_root_path = settings.root_path
        settings.root_path = lambda: WORKSPACE_ROOT
        try:
            workspace = scan_installed_connectors(cls)
        finally:
            settings.root_path = original_root_path
        cls.all_connector_settings = {**installed, **workspace}
        return cls.all_connector_settings

    create_connector_settings.includes_workspace = True
    settings.AllConnectorSettings.create_connector_settings = classmethod(create_connector_settings)
    settings.AllConnectorSettings.create_connector_settings()


_add_workspace_connectors_to_package_path()
_include_workspace_in_connector_discovery()


# Test name -> (the file of hummingbot that defines a feature the test needs, how the definition reads, the feature
# and the first release that has it): the template's spot_connector/hummingbot_releases.py.
NEEDS_HUMMINGBOT_FEATURE: Dict[str, Tuple[str, str, str]] = {
{%- for feature in hummingbot_features.values() %}
    "{{ feature.test }}": (
        "{{ feature.source_file }}", r"{{ feature.definition }}",
        "{{ feature.description }} (hummingbot {{ feature.first_release }} and later)"),
{%- endfor %}
}


def _installed_hummingbot_defines(source_file: str, definition: str) -> bool:
    path = INSTALLED_HUMMINGBOT / source_file
    return path.is_file() and re.search(definition, path.read_text()) is not None


def pytest_collection_modifyitems(config, items):
    missing = {name: feature for name, (source_file, definition, feature) in NEEDS_HUMMINGBOT_FEATURE.items()
               if not _installed_hummingbot_defines(source_file, definition)}
    if not missing:
        return
    installed = importlib.metadata.version("hummingbot")
    for item in items:
        if item.originalname in missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {missing[item.originalname]}; hummingbot {installed} "
                                                    "is installed"))
