"""
Every combination of the answers that shape the connector renders lint-clean and passes its own suite.

time_synchronizer x user_stream (its first two values, listen_key and ws_api) x extra_api_keys x balance_channel: 16
renders; then a pairwise covering set of every shape prompt's values (golden_renders.pairwise_combinations:
auth_scheme, user_stream, order_book_source, ws_ping, ws_compression, time_synchronizer, api_secret_field,
extra_api_keys, balance_channel and the optional order id prefix, broker header and testnet domain), in which every
value of each meets every value of each other, so every auth_scheme meets every user_stream. Each is tested as a user
would run it. Each stream shape's suite has at least as many tests per module as the default's.
"""
import itertools
import re
from pathlib import Path

import pytest

from golden_renders import SHAPE_FACTORS, VARIANTS, as_answers, factor_pairs, pairwise_combinations, variant_id
from rendering import MIN_LINE_COVERAGE, connector_paths, lint, run_rendered_suite, unrendered_jinja

from spot_connector.answers import CHOICES, ORDER_BOOK_SOURCE_CHOICES, extra_credentials

NAME = VARIANTS[0]["connector_name"]  # a multi-word name: class prefix AcmePro, display name "Acme Pro"
COMBINATIONS = VARIANTS
# The words as identifiers: hummingbot's own abstract member `_is_request_exception_related_to_time_synchronizer`
# must still be defined (it returns False), and the base class's `_update_time_synchronizer` still exists.
TIME_SYNC_WORDS = re.compile(r"\b(TimeSynchronizer|time_synchronizer|SERVER_TIME_PATH_URL)\b")
# The shapes of how the exchange streams (issue 15): the later user streams and every other value of the stream prompts.
FIRST_NEW_VALUE = {"user_stream": 2, "order_book_source": 1, "ws_ping": 1, "ws_compression": 1}
STREAM_SHAPES = [(prompt, value) for prompt, first_new in FIRST_NEW_VALUE.items()
                 for value in CHOICES[prompt][first_new:]]
TEST_FUNCTION = re.compile(r"^    (?:async )?def (test_\w+)", re.MULTILINE)


def rendered_tests_per_module(workspace: Path):
    return {path.name: len(TEST_FUNCTION.findall(path.read_text())) for path in (workspace / "test").rglob("test_*.py")}


@pytest.mark.parametrize("prompt, value", STREAM_SHAPES)
def test_each_stream_shape_has_as_many_tests_per_module_as_the_default(bake, prompt, value):
    default = rendered_tests_per_module(bake(connector_name=NAME))
    assert len(default) == 7 and all(default.values()), default  # every rendered test module, each with tests
    shaped = rendered_tests_per_module(bake(connector_name=NAME, **{prompt: value}))
    assert {module: (shaped.get(module, 0), count) for module, count in default.items()
            if shaped.get(module, 0) < count} == {}


def test_the_variants_cover_every_pair_of_shape_values():
    """Every value of every shape prompt meets every value of every other in some rendered variant."""
    every_pair = {((first, first_value), (second, second_value))
                  for (first, first_values), (second, second_values) in itertools.combinations(SHAPE_FACTORS.items(), 2)
                  for first_value in first_values for second_value in second_values}
    covered = set().union(*map(factor_pairs, pairwise_combinations()))
    assert every_pair - covered == set()
    rendered = {variant_id(answers) for answers in VARIANTS}
    assert {variant_id(as_answers(row)) for row in pairwise_combinations()} <= rendered


@pytest.fixture(scope="module", params=COMBINATIONS, ids=variant_id)
def variant(request, bake):
    answers = request.param
    return answers, bake(**answers)


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
    for credential in extra_credentials(answers["extra_api_keys"], answers.get("auth_scheme", "hmac_sha256_query")):
        assert f"{NAME}_{credential}: SecretStr" in sources[f"{NAME}_utils.py"]
        assert f"{NAME}_{credential}: str" in sources[f"{NAME}_exchange.py"]
        assert f"{credential}: str" in sources[f"{NAME}_auth.py"]
    secret_field = answers.get("api_secret_field", "api_secret")
    assert f"{NAME}_{secret_field}: SecretStr" in sources[f"{NAME}_utils.py"]
    assert f"{NAME}_{secret_field}: str" in sources[f"{NAME}_exchange.py"]
    if not answers["balance_channel"]:
        assert "self.real_time_balance_update = False" in sources[f"{NAME}_exchange.py"]
    # The keep-alive of client_ping and server_ping lives once, in web utils, and both data sources read through it.
    keep_alive_readers = sorted(name for name, text in sources.items() if "web_utils.exchange_messages(" in text)
    assert keep_alive_readers == ([] if answers.get("ws_ping", "protocol") == "protocol" else
                                  [f"{NAME}_api_order_book_data_source.py", f"{NAME}_api_user_stream_data_source.py"])
    if "client_order_id_prefix" in answers:
        assert f'HBOT_ORDER_ID_PREFIX = "{answers["client_order_id_prefix"]}"' in sources[f"{NAME}_constants.py"]
    if answers.get("broker_header_name"):
        assert f'BROKER_HEADER_NAME = "{answers["broker_header_name"]}"' in sources[f"{NAME}_constants.py"]
        factories = 2 if answers["time_synchronizer"] else 1  # with time sync, the server time request's factory too
        assert sources[f"{NAME}_web_utils.py"].count("BrokerHeaderRESTPreProcessor()") == factories
        assert "def test_every_rest_request_carries_the_broker_header" in sources[f"test_{NAME}_web_utils.py"]
    if answers.get("testnet_domain"):
        other = f"{NAME}_{answers['testnet_domain']}"
        assert f'OTHER_DOMAINS = ["{other}"]' in sources[f"{NAME}_utils.py"]
        assert f'TESTNET_REST_URL = "{answers["testnet_rest_url"]}"' in sources[f"{NAME}_constants.py"]
        assert "ws_url=web_utils.wss_url(self._domain)" in sources[f"{NAME}_api_order_book_data_source.py"]
        assert "def test_hummingbot_hands_the_testnet_keys_to_the_exchange_with_its_domain" in sources[
            f"test_{NAME}_utils.py"]

    # Each order book source renders its own resynchronisation, and the whole-book source parses no diffs.
    source = answers.get("order_book_source", ORDER_BOOK_SOURCE_CHOICES[0])
    data_source = sources[f"{NAME}_api_order_book_data_source.py"]
    assert ("def _resynchronize_order_book" in data_source) == (source == "rest_snapshot_ws_diff")
    assert ("def _resubscribe_order_book" in data_source) == (source == "ws_snapshot_delta")
    assert ("def _parse_order_book_diff_message" in data_source) == (source != "ws_full_book")

    outcome = run_rendered_suite(workspace, coverage=True)
    assert outcome["returncode"] == 0, outcome["output"]
    # Exit status 0 means every collected test passed (pytest exits 5 when it collects none).
    assert outcome["failed"] == outcome["errors"] == outcome["skipped"] == 0, outcome["output"]
    # Each shape's suite covers its own package, measured as `make coverage` measures it.
    assert outcome["line_coverage"] >= MIN_LINE_COVERAGE, outcome["missing_lines"]
