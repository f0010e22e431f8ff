"""
The render follows the hummingbot it lands in (spot_connector/hummingbot_releases.py): a connector rendered into a
checkout whose hummingbot lacks a feature gets no test of that feature, and an update of it does not add one; a
standalone workspace renders for the release it pins. tests/test_hummingbot_releases.py runs the standalone render
against the older releases themselves.
"""
import re
from pathlib import Path

import pytest

from checkout import make_hummingbot_checkout
from rendering import TEST_DIR, render
from test_update import CONSTANTS, change_template, template_repo, update_in_checkout  # noqa: F401 (a fixture)

from spot_connector.hummingbot_releases import FEATURES, TARGET_CHECKOUT_VARIABLE, checkout_has, target_checkout

THROTTLER = FEATURES["public_throttler_property"]


def without_feature(checkout: Path, feature: str) -> Path:
    """The checkout as an older release has it: the feature's definition taken out of its file (a copy, not the
    installed package the checkout links to)."""
    known = FEATURES[feature]
    path = checkout / known.source_file
    source = path.read_text()
    older = re.sub(known.definition, "def _not_yet_public(self)", source)
    assert older != source
    path.unlink()  # a link into the installed package: replace it, never write through it
    path.write_text(older)
    return checkout


def rendered_exchange_tests(root: Path, name: str = "acme") -> str:
    return (root / TEST_DIR.format(name=name) / f"test_{name}_exchange.py").read_text()


def test_a_checkout_of_the_pinned_release_has_every_feature(tmp_path):
    checkout = make_hummingbot_checkout(tmp_path / "hummingbot", git_repository=False)
    assert {feature: checkout_has(checkout, feature) for feature in FEATURES} == {feature: True for feature in FEATURES}


def test_a_checkout_without_the_definition_lacks_the_feature(tmp_path):
    checkout = without_feature(make_hummingbot_checkout(tmp_path / "hummingbot", git_repository=False),
                               "public_throttler_property")
    assert checkout_has(checkout, "public_throttler_property") is False


def test_the_update_tools_checkout_comes_first(tmp_path, monkeypatch):
    update_target = make_hummingbot_checkout(tmp_path / "updated", git_repository=False)
    answered = make_hummingbot_checkout(tmp_path / "answered", git_repository=False)
    assert target_checkout({"hummingbot_root": str(answered)}) == answered
    monkeypatch.setenv(TARGET_CHECKOUT_VARIABLE, str(update_target))
    assert target_checkout({"hummingbot_root": str(answered), "_output_dir": str(answered)}) == update_target
    monkeypatch.delenv(TARGET_CHECKOUT_VARIABLE)
    assert target_checkout({"hummingbot_root": "", "_output_dir": str(tmp_path)}) is None


@pytest.mark.parametrize("has_feature", [True, False], ids=["pinned release", "older release"])
def test_a_render_into_a_checkout_tests_only_what_its_hummingbot_has(tmp_path, has_feature):
    checkout = make_hummingbot_checkout(tmp_path / "hummingbot")
    if not has_feature:
        without_feature(checkout, "public_throttler_property")
    render(tmp_path / "out", hummingbot_root=str(checkout))
    assert (f"def {THROTTLER.test}(self)" in rendered_exchange_tests(checkout)) is has_feature


def test_a_standalone_workspace_renders_for_the_release_it_pins(tmp_path):
    workspace = render(tmp_path / "out")
    assert f"def {THROTTLER.test}(self)" in rendered_exchange_tests(workspace)
    conftest = (workspace / "conftest.py").read_text()
    assert f'"{THROTTLER.test}": (\n        "{THROTTLER.source_file}", r"{THROTTLER.definition}",' in conftest


def test_an_update_of_a_connector_in_an_older_checkout_adds_no_test_of_a_missing_feature(tmp_path, template_repo):
    checkout = without_feature(make_hummingbot_checkout(tmp_path / "hummingbot"), "public_throttler_property")
    render(tmp_path / "out", template=template_repo, hummingbot_root=str(checkout))
    # The new template changes the feature's test too: rendered for a release that has it, the update would bring it.
    partial = template_repo / "templates/hummingbot_features/public_throttler_property/yes/test_exchange.tests.j2"
    partial.write_text(partial.read_text().replace("share the connector's", "share all of the connector's"))
    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")

    result = update_in_checkout(checkout)

    assert result.returncode == 0, result.stderr
    assert "MAX_REQUEST = 4000" in (checkout / CONSTANTS).read_text()
    assert f"def {THROTTLER.test}(self)" not in rendered_exchange_tests(checkout)
