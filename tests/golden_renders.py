"""
Golden renders: what the template renders for every answer set it offers today, kept in tests/golden/ so that a
change of the template's structure is seen to change nothing, and a change of its output is made on purpose.

    python tests/golden_renders.py --write   # refresh tests/golden/ after a deliberate change of the output

Each answer set is a folder of tests/golden/ holding the rendered workspace, every file with `.golden` appended (so
that linters and duplicate finders leave the copies alone). The answers file (`.cruft.json`) is left out: it names
the machine's template folder.
"""
import difflib
import itertools
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rendering import render  # noqa: E402

from spot_connector.answers import CHOICES  # noqa: E402
from spot_connector.facts import ANSWERS_FILE  # noqa: E402

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
SUFFIX = ".golden"


def unless_default(answers: dict, prompt: str) -> List[str]:
    """A choice prompt's answer as a word of a variant's id, or no word when it is the default (the first choice)."""
    value = answers.get(prompt, CHOICES[prompt][0])
    return [] if value == CHOICES[prompt][0] else [value]


def variant_id(answers: dict) -> str:
    """The shape answers in a name; a choice prompt's answer appears only when it differs from its default."""
    return "-".join([
        *unless_default(answers, "auth_scheme"),
        "timesync" if answers["time_synchronizer"] else "localtime",
        answers["user_stream"],
        *(word for prompt in STREAM_PROMPTS for word in unless_default(answers, prompt)),
        answers["extra_api_keys"].replace(",", "+") or "nokeys",
        "balance" if answers["balance_channel"] else "nobalance",
        *unless_default(answers, "api_secret_field"),
        *[word for key, (word, _) in OPTIONAL_ANSWERS.items() if key in answers],
    ])


# The choice prompts of the websocket streams besides user_stream.
STREAM_PROMPTS = ("order_book_source", "ws_ping", "ws_compression")


# The optional answers (a client order id prefix, a broker header, a testnet domain): the word a variant's id gets
# for each, and the answers that set it (a variant that does not set one leaves it at its default).
OPTIONAL_ANSWERS = {
    "client_order_id_prefix": ("prefix", dict(client_order_id_prefix="HBOT-")),
    "broker_header_name": ("broker", dict(broker_header_name="X-Gate-Channel-Id", broker_header_value="hummingbot")),
    "testnet_domain": ("testnet", dict(testnet_domain="testnet",
                                       testnet_rest_url="https://api-testnet.acme-pro.com/api/",
                                       testnet_wss_url="wss://stream-testnet.acme-pro.com/ws",
                                       testnet_wss_api_url="wss://ws-api-testnet.acme-pro.com/ws-api/v3")),
}


# Every prompt that shapes the code, with the values a variant gives it (extra credentials: none or one).
SHAPE_FACTORS: Dict[str, list] = {
    "auth_scheme": list(CHOICES["auth_scheme"]),
    "user_stream": list(CHOICES["user_stream"]),
    **{prompt: list(CHOICES[prompt]) for prompt in STREAM_PROMPTS},
    "time_synchronizer": [True, False],
    "api_secret_field": list(CHOICES["api_secret_field"]),
    "extra_api_keys": ["", "memo"],
    "balance_channel": [True, False],
    **{prompt: [None, prompt] for prompt in OPTIONAL_ANSWERS},
}


def factor_pairs(row: dict) -> Set[Tuple[Tuple[str, Any], Tuple[str, Any]]]:
    """The pairs of (factor, value) a combination covers."""
    items = [(factor, row[factor]) for factor in SHAPE_FACTORS]
    return set(itertools.combinations(items, 2))


def pairwise_combinations() -> List[dict]:
    """
    A deterministic greedy covering array: few combinations of SHAPE_FACTORS in which every value of every factor
    meets every value of every other factor at least once (so every auth_scheme meets every user_stream).
    """
    factors = list(SHAPE_FACTORS)
    uncovered = set().union(*(factor_pairs(dict(zip(factors, values)))
                              for values in itertools.product(*SHAPE_FACTORS.values())))
    rows = []
    while uncovered:
        (first, first_value), (second, second_value) = min(uncovered, key=repr)  # seed with an uncovered pair
        row = {first: first_value, second: second_value}
        for factor in factors:
            if factor in row:
                continue
            row[factor] = max(SHAPE_FACTORS[factor], key=lambda value: sum(
                pair in uncovered for other in row
                for pair in (((other, row[other]), (factor, value)), ((factor, value), (other, row[other])))))
        row = {factor: row[factor] for factor in factors}
        uncovered -= factor_pairs(row)
        rows.append(row)
    return rows


def as_answers(row: dict) -> dict:
    answers = dict(connector_name="acme_pro", **{factor: value for factor, value in row.items()
                                                 if factor not in OPTIONAL_ANSWERS})
    for prompt, value in row.items():
        if prompt in OPTIONAL_ANSWERS and value is not None:
            answers.update(OPTIONAL_ANSWERS[prompt][1])
    return answers


# Every value of the first four shape prompts in every combination (the template's first shapes, kept whole: the first
# two user streams, listen_key and ws_api; the later ones meet every other value in the pairwise set); then a
# pairwise covering set of every shape prompt's values (pairwise_combinations). With the defaults and a set in which
# every other answer differs from its default, they are the answer sets.
FIRST_USER_STREAMS = ("listen_key", "ws_api")  # the template's first two; later ones join the pairwise set
FIRST_SHAPES = [
    dict(connector_name="acme_pro", time_synchronizer=time_sync, user_stream=user_stream, extra_api_keys=extra_keys,
         balance_channel=balance)
    for time_sync, user_stream, extra_keys, balance in itertools.product(
        [True, False], FIRST_USER_STREAMS, ["", "passphrase"], [True, False])
]
VARIANTS = FIRST_SHAPES + [answers for answers in map(as_answers, pairwise_combinations())
                           if variant_id(answers) not in {variant_id(first) for first in FIRST_SHAPES}]
ANSWER_SETS: Dict[str, dict] = {
    "defaults": {},
    "every-other-answer": dict(
        connector_name="gate_like", rest_url="https://api.gate-like.io/api/", wss_url="wss://ws.gate-like.io/v4/",
        wss_api_url="wss://ws-api.gate-like.io/v4", default_domain="io", client_order_id_prefix="t-HBOT",
        example_trading_pair="ETH-BTC",
        maker_fee="0.002", taker_fee="0.0025", order_book_depth="500", ws_heartbeat_interval="20",
        rate_limit_request_weight_per_minute="1200", rate_limit_orders_per_10_seconds="50",
        rate_limit_orders_per_day="160000", rate_limit_raw_requests_per_5_minutes="6100", user_stream="ws_api",
        order_book_source="ws_snapshot_delta", ws_ping="client_ping", ws_compression="deflate",
        extra_api_keys="passphrase,memo"),
    **{variant_id(answers): answers for answers in VARIANTS},
}


def rendered_files(workspace: Path) -> Dict[str, str]:
    return {str(path.relative_to(workspace)): path.read_text() for path in sorted(workspace.rglob("*"))
            if path.is_file() and path.name != ANSWERS_FILE and not {"__pycache__", ".git"} & set(path.parts)}


def golden_files(answer_set: str) -> Dict[str, str]:
    folder = GOLDEN_DIR / answer_set
    return {str(path.relative_to(folder))[:-len(SUFFIX)]: path.read_text() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def render_answer_set(answer_set: str, scratch: Path) -> Dict[str, str]:
    return rendered_files(render(scratch / answer_set, **ANSWER_SETS[answer_set]))


def differences(expected: Dict[str, str], actual: Dict[str, str], limit: int = 40) -> List[str]:
    """Missing and extra files, then a unified diff of each differing file (the first `limit` lines of each)."""
    lines = [f"missing: {path}" for path in sorted(set(expected) - set(actual))]
    lines += [f"extra: {path}" for path in sorted(set(actual) - set(expected))]
    for path in sorted(set(expected) & set(actual)):
        if expected[path] != actual[path]:
            diff = difflib.unified_diff(expected[path].splitlines(), actual[path].splitlines(),
                                        f"golden/{path}", f"rendered/{path}", lineterm="")
            lines += list(itertools.islice(diff, limit))
    return lines


def write_golden() -> None:
    shutil.rmtree(GOLDEN_DIR, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        for answer_set in ANSWER_SETS:
            for path, content in render_answer_set(answer_set, Path(scratch)).items():
                target = GOLDEN_DIR / answer_set / (path + SUFFIX)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content)


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write_golden()
