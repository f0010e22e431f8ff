"""
What a hummingbot release offers a connector, read from the checkout a connector lands in.

Authors work in checkouts of different ages. Where hummingbot added something a rendered connector or its tests use,
the render asks the target checkout whether it has it, and includes the partial
`templates/hummingbot_features/<feature>/<yes|no>/<point>.j2` (`hummingbot_feature()` in jinja_guard.py). The
checkout is the one the connector is rendered into (`hummingbot_root`, or the output folder when cookiecutter runs
in a checkout's root), or, for the update tool, the checkout it updates (TARGET_CHECKOUT_VARIABLE). A standalone
workspace pins a release (its Makefile) that has every feature; its conftest.py skips a test whose feature an older
release installed there lacks (NEEDS_HUMMINGBOT_FEATURE, rendered from FEATURES).
"""
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

from spot_connector.facts import is_hummingbot_checkout

# Set by tools/update_connector.py while it renders in a scratch folder: the checkout whose features count.
TARGET_CHECKOUT_VARIABLE = "SPOT_CONNECTOR_TARGET_CHECKOUT"


@dataclass(frozen=True)
class Feature:
    first_release: str  # the first PyPI release that has it
    source_file: str    # where a checkout defines it
    definition: str     # a regular expression that finds the definition in that file
    description: str    # what it is, for people
    test: str           # the rendered test that needs it


FEATURES: Dict[str, Feature] = {
    "public_throttler_property": Feature(
        first_release="20260729",
        source_file="hummingbot/connector/exchange_py_base.py",
        definition=r"@property\s+def throttler\(self\)",
        description="the public ExchangePyBase.throttler property",
        test="test_throttler_property_exposes_internal_throttler",
    ),
}


def checkout_has(root: Path, feature: str) -> bool:
    """Whether the hummingbot checkout at `root` has `feature` (a file that cannot be read counts as not having it)."""
    known = FEATURES[feature]
    try:
        source = (root / known.source_file).read_text(errors="replace")
    except OSError:
        return False
    return re.search(known.definition, source) is not None


def target_checkout(answers: Dict[str, Any]) -> Optional[Path]:
    """The checkout a render is for: the update tool's, the answer, or the output folder that is a checkout."""
    for candidate in (os.environ.get(TARGET_CHECKOUT_VARIABLE), answers.get("hummingbot_root"),
                      answers.get("_output_dir")):
        if candidate and is_hummingbot_checkout(Path(candidate).expanduser()):
            return Path(candidate).expanduser()
    return None


def target_has(answers: Dict[str, Any], feature: str) -> bool:
    """Whether the release the connector will run against has `feature`: a standalone workspace's pin has them all."""
    checkout = target_checkout(answers)
    return True if checkout is None else checkout_has(checkout, feature)
