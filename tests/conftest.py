import sys
from pathlib import Path
from typing import Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rendering import clean_template  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test of a rendered connector against a loopback exchange")
    config.addinivalue_line("markers", "slow: sets up whole environments (left out of make test-fast)")


@pytest.fixture(scope="session")
def bake(cookies_session) -> Callable[..., Path]:
    """
    Renders the template without prompts through pytest-cookies (its own cookiecutter user config, replay folder and
    output folders per session) from a copy of the template as a fresh clone has it; returns the workspace folder.
    """
    def bake_workspace(**answers) -> Path:
        result = cookies_session.bake(extra_context=answers, template=str(clean_template()))
        assert result.exception is None, result.exception
        assert result.exit_code == 0
        return result.project_path

    return bake_workspace


@pytest.fixture(scope="session")
def default_workspace(bake) -> Path:
    """The template rendered once with every default answer (the sample connector)."""
    return bake()
