"""
Every combination of the answers that shape the connector renders lint-clean and passes its own suite.

time_synchronizer x user_stream x extra_api_keys x balance_channel: 16 renders, each tested as a user would run it.
"""
import itertools
import re
from pathlib import Path

import pytest

from rendering import connector_paths, lint, render, run_rendered_suite, unrendered_jinja

NAME = "acme_pro"  # a multi-word name: class prefix AcmePro, display name "Acme Pro"

COMBINATIONS = [
    dict(time_synchronizer=time_sync, user_stream=user_stream, extra_api_keys=extra_keys, balance_channel=balance)
    for time_sync, user_stream, extra_keys, balance in itertools.product(
        [True, False], ["listen_key", "ws_api"], ["", "passphrase"], [True, False])
]
# The words as identifiers: hummingbot's own abstract member `_is_request_exception_related_to_time_synchronizer`
# must still be defined (it returns False), and the base class's `_update_time_synchronizer` still exists.
TIME_SYNC_WORDS = re.compile(r"\b(TimeSynchronizer|time_synchronizer|SERVER_TIME_PATH_URL)\b")


def _variant_id(answers: dict) -> str:
    return "-".join([
        "timesync" if answers["time_synchronizer"] else "localtime",
        answers["user_stream"],
        "passphrase" if answers["extra_api_keys"] else "nokeys",
        "balance" if answers["balance_channel"] else "nobalance",
    ])


@pytest.fixture(scope="module", params=COMBINATIONS, ids=_variant_id)
def variant(request, tmp_path_factory):
    answers = request.param
    workspace = render(tmp_path_factory.mktemp(_variant_id(answers)) / "out", connector_name=NAME, **answers)
    return answers, workspace


def _connector_sources(workspace: Path):
    return [workspace / path for path in connector_paths(NAME) if path.endswith(".py")]


def test_variant_renders_clean_code_and_passes_its_suite(variant):
    answers, workspace = variant
    assert all((workspace / path).is_file() for path in connector_paths(NAME))
    assert unrendered_jinja(workspace) == []
    assert lint(workspace) == []

    sources = {path.name: path.read_text() for path in _connector_sources(workspace)}
    if not answers["time_synchronizer"]:
        traces = {name: TIME_SYNC_WORDS.findall(text) for name, text in sources.items() if TIME_SYNC_WORDS.search(text)}
        assert traces == {}
        assert "def test_update_time_synchronizer" not in sources[f"test_{NAME}_exchange.py"]
    if answers["extra_api_keys"]:
        assert f"{NAME}_passphrase: SecretStr" in sources[f"{NAME}_utils.py"]
        assert f"{NAME}_passphrase: str" in sources[f"{NAME}_exchange.py"]
        assert "passphrase: str" in sources[f"{NAME}_auth.py"]
    if not answers["balance_channel"]:
        assert "self.real_time_balance_update = False" in sources[f"{NAME}_exchange.py"]

    outcome = run_rendered_suite(workspace)
    assert outcome["returncode"] == 0, outcome["output"]
    assert outcome["failed"] == 0 and outcome["errors"] == 0, outcome["output"]
    assert outcome["passed"] >= 80, outcome["output"]
