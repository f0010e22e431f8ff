"""
Authors work in hummingbot checkouts of different ages, and hummingbot releases monthly: the default render's suite
passes against the release the workspace pins and the two before it (HUMMINGBOT_RELEASES in the Makefile). Each
release is installed the way an author would, `make test HUMMINGBOT_VERSION=<release>` in a fresh render, which
builds the workspace's own .venv from its pins (an sdist compile of about 3 minutes per release the first time, then
pip's cached wheel). A test of a feature an older release lacks is skipped by the workspace's conftest.py, with the
reason.
"""
import re
import subprocess
from pathlib import Path

import pytest

from rendering import TEMPLATE_ROOT
from test_workspace_tooling import make

MAKEFILE = (TEMPLATE_ROOT / "Makefile").read_text()
PINNED = re.search(r"^HUMMINGBOT_VERSION := (\S+)", MAKEFILE, re.MULTILINE).group(1)
RELEASES = re.search(r"^HUMMINGBOT_RELEASES := (.+)$", MAKEFILE, re.MULTILINE).group(1).replace(
    "$(HUMMINGBOT_VERSION)", PINNED).split()
OLDER_RELEASES = [release for release in RELEASES if release != PINNED]
# The tests an older release cannot pass, and why (the workspace's conftest.py skips them there).
SKIPPED_BEFORE = {"test_throttler_property_exposes_internal_throttler": "20260729"}


def test_the_pinned_release_and_the_two_before_it_are_tested():
    assert len(OLDER_RELEASES) == 2 and RELEASES[-1] == PINNED and sorted(RELEASES) == RELEASES


@pytest.mark.slow
@pytest.mark.parametrize("release", OLDER_RELEASES)
def test_the_default_render_passes_against_an_older_release(bake, release: str):
    workspace: Path = bake()
    result = make(workspace, "test", f"HUMMINGBOT_VERSION={release}", "PYTEST_ADDOPTS=-rs")
    assert result.returncode == 0, result.output[-6000:]
    installed = subprocess.run([str(workspace / ".venv" / "bin" / "python"), "-c",
                                "import importlib.metadata as m; print(m.version('hummingbot'))"],
                               capture_output=True, text=True)
    assert installed.stdout.strip() == release
    expected_skips = [test for test, first_release in SKIPPED_BEFORE.items() if release < first_release]
    skipped = re.search(r"(\d+) skipped", result.stdout)
    assert (int(skipped.group(1)) if skipped else 0) == len(expected_skips), result.stdout[-3000:]
    for test in expected_skips:
        assert f"hummingbot {release} is installed" in result.stdout, result.stdout[-3000:]
