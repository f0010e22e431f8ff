import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rendering import render  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test of a rendered connector against a loopback exchange")


@pytest.fixture(scope="session")
def default_workspace(tmp_path_factory) -> Path:
    """The template rendered once with every default answer (the sample connector)."""
    return render(tmp_path_factory.mktemp("default") / "out")
