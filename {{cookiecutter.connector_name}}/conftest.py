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
from pathlib import Path
from typing import Callable, Dict, Tuple

import pytest

import hummingbot.connector.exchange as exchange_package
from hummingbot.client import settings
from hummingbot.connector.exchange_py_base import ExchangePyBase

WORKSPACE_ROOT = Path(__file__).resolve().parent


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


# Test name -> (does the installed hummingbot have the feature?, the feature and the first release that has it).
NEEDS_HUMMINGBOT_FEATURE: Dict[str, Tuple[Callable[[], bool], str]] = {
    "test_throttler_property_exposes_internal_throttler": (
        lambda: isinstance(getattr(ExchangePyBase, "throttler", None), property),
        "the public ExchangePyBase.throttler property (hummingbot 20260729 and later)"),
}


def pytest_collection_modifyitems(config, items):
    missing = {name: feature for name, (present, feature) in NEEDS_HUMMINGBOT_FEATURE.items() if not present()}
    if not missing:
        return
    installed = importlib.metadata.version("hummingbot")
    for item in items:
        if item.originalname in missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {missing[item.originalname]}; hummingbot {installed} "
                                                    "is installed"))
