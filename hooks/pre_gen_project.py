"""
pre_gen_project hook: refuse bad answers before anything is written.

Each rule is a small function that returns None for a good answer, or one line naming the answer and what is
allowed. `main` prints one line per bad answer and exits 1; cookiecutter then removes the folder it created.
The answers arrive as data (cookiecutter's context as JSON), never pasted into code.
"""
import json
import keyword
import os
import re
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlparse

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
MAX_CONNECTOR_NAME_LENGTH = 40
MIN_ORDER_BOOK_DEPTH = 100
USER_STREAM_CHOICES = ("listen_key", "ws_api")
BASE_CREDENTIALS = ("api_key", "api_secret")
# Characters that would break out of the Python string literals the answers are rendered into.
UNSAFE_IN_STRING_LITERAL = re.compile(r"[\"'\\\s]")

Rule = Callable[[Any], Optional[str]]


def _is_identifier_like(value: Any) -> bool:
    return (isinstance(value, str) and bool(SNAKE_CASE.match(value)) and not keyword.iskeyword(value)
            and not keyword.issoftkeyword(value))


def validate_connector_name(value: Any) -> Optional[str]:
    if (not _is_identifier_like(value)) or len(value) > MAX_CONNECTOR_NAME_LENGTH:
        return (f"connector_name {value!r} is invalid: use lowercase snake_case (a-z, 0-9 and single underscores), "
                f"starting with a letter, at most {MAX_CONNECTOR_NAME_LENGTH} characters, not a Python keyword")
    return None


def _validate_url(answer: str, value: Any, schemes: tuple) -> Optional[str]:
    allowed = " or ".join(f"{scheme}://" for scheme in schemes)
    parsed = urlparse(value) if isinstance(value, str) else None
    if parsed is None or parsed.scheme not in schemes or not parsed.hostname or UNSAFE_IN_STRING_LITERAL.search(value):
        return f"{answer} {value!r} is invalid: use an {allowed} URL with a host, without spaces or quotes"
    return None


def validate_rest_url(value: Any) -> Optional[str]:
    return _validate_url("rest_url", value, ("https", "http"))


def validate_wss_url(value: Any) -> Optional[str]:
    return _validate_url("wss_url", value, ("wss", "ws"))


def validate_wss_api_url(value: Any) -> Optional[str]:
    return _validate_url("wss_api_url", value, ("wss", "ws"))


def validate_default_domain(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not re.match(r"^[a-z0-9][a-z0-9_.-]*$", value):
        return f"default_domain {value!r} is invalid: use lowercase letters, digits, '.', '-' or '_' (e.g. com)"
    return None


def validate_example_trading_pair(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not re.match(r"^[A-Z0-9]+-[A-Z0-9]+$", value):
        return f"example_trading_pair {value!r} is invalid: use hummingbot's BASE-QUOTE form in capitals (e.g. BTC-USDT)"
    return None


def _validate_fee(answer: str, value: Any) -> Optional[str]:
    try:
        fee = Decimal(str(value).strip())
    except InvalidOperation:
        fee = None
    if fee is None or not fee.is_finite() or not (Decimal("0") <= fee < Decimal("1")) or str(value) != str(value).strip():
        return f"{answer} {value!r} is invalid: use a decimal fraction from 0 up to (not including) 1, e.g. 0.001"
    return None


def validate_maker_fee(value: Any) -> Optional[str]:
    return _validate_fee("maker_fee", value)


def validate_taker_fee(value: Any) -> Optional[str]:
    return _validate_fee("taker_fee", value)


def _positive_integer(value: Any) -> Optional[int]:
    text = str(value)
    return int(text) if text.isdigit() and text.isascii() and int(text) > 0 else None


def validate_order_book_depth(value: Any) -> Optional[str]:
    depth = _positive_integer(value)
    if depth is None or depth < MIN_ORDER_BOOK_DEPTH:
        return f"order_book_depth {value!r} is invalid: use a whole number of at least {MIN_ORDER_BOOK_DEPTH}"
    return None


def _validate_positive_integer(answer: str) -> Rule:
    def validate(value: Any) -> Optional[str]:
        if _positive_integer(value) is None:
            return f"{answer} {value!r} is invalid: use a whole number greater than 0"
        return None
    return validate


def _validate_boolean(answer: str) -> Rule:
    def validate(value: Any) -> Optional[str]:
        if not isinstance(value, bool):
            return f"{answer} {value!r} is invalid: answer yes or no (true/false)"
        return None
    return validate


def validate_user_stream(value: Any) -> Optional[str]:
    if value not in USER_STREAM_CHOICES:
        return f"user_stream {value!r} is invalid: choose one of {', '.join(USER_STREAM_CHOICES)}"
    return None


def validate_extra_api_keys(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return f"extra_api_keys {value!r} is invalid: use comma-separated snake_case names, or nothing"
    names = [name.strip() for name in value.split(",")] if value.strip() else []
    bad = [name for name in names if not _is_identifier_like(name) or name in BASE_CREDENTIALS]
    if bad or len(set(names)) != len(names):
        return (f"extra_api_keys {value!r} is invalid: use comma-separated snake_case names other than api_key and "
                f"api_secret, each once (e.g. passphrase,memo), or nothing")
    return None


def is_hummingbot_checkout(root: Path) -> bool:
    """A hummingbot source tree: the package with its exchange connectors, and the test tree beside it."""
    return ((root / "hummingbot" / "__init__.py").is_file()
            and (root / "hummingbot" / "connector" / "exchange").is_dir()
            and (root / "test" / "hummingbot").is_dir())


def validate_hummingbot_root(value: Any) -> Optional[str]:
    if value in ("", None):
        return None
    if not isinstance(value, str) or not is_hummingbot_checkout(Path(value).expanduser()):
        return (f"hummingbot_root {value!r} is invalid: give the root folder of a hummingbot checkout (it holds "
                f"hummingbot/connector/exchange/ and test/hummingbot/), or nothing for a standalone workspace")
    return None


RULES: Dict[str, Rule] = {
    "connector_name": validate_connector_name,
    "rest_url": validate_rest_url,
    "wss_url": validate_wss_url,
    "wss_api_url": validate_wss_api_url,
    "default_domain": validate_default_domain,
    "example_trading_pair": validate_example_trading_pair,
    "maker_fee": validate_maker_fee,
    "taker_fee": validate_taker_fee,
    "order_book_depth": validate_order_book_depth,
    "ws_heartbeat_interval": _validate_positive_integer("ws_heartbeat_interval"),
    "rate_limit_request_weight_per_minute": _validate_positive_integer("rate_limit_request_weight_per_minute"),
    "rate_limit_orders_per_10_seconds": _validate_positive_integer("rate_limit_orders_per_10_seconds"),
    "rate_limit_orders_per_day": _validate_positive_integer("rate_limit_orders_per_day"),
    "rate_limit_raw_requests_per_5_minutes": _validate_positive_integer("rate_limit_raw_requests_per_5_minutes"),
    "time_synchronizer": _validate_boolean("time_synchronizer"),
    "user_stream": validate_user_stream,
    "extra_api_keys": validate_extra_api_keys,
    "balance_channel": _validate_boolean("balance_channel"),
    "hummingbot_root": validate_hummingbot_root,
}


def existing_connector_folders(hummingbot_root: Path, connector_name: str) -> List[Path]:
    folders = [hummingbot_root / "hummingbot" / "connector" / "exchange" / connector_name,
               hummingbot_root / "test" / "hummingbot" / "connector" / "exchange" / connector_name]
    return [folder for folder in folders if folder.exists()]


def validate_answers(answers: Dict[str, Any]) -> List[str]:
    """One line per bad answer, in the order of the prompts."""
    errors = [error for answer, rule in RULES.items() if (error := rule(answers.get(answer, ""))) is not None]
    root = answers.get("hummingbot_root")
    if not errors and root and not answers.get("_replace_existing"):
        for folder in existing_connector_folders(Path(root).expanduser(), answers["connector_name"]):
            errors.append(f"hummingbot_root: {folder} already exists; nothing was changed "
                          f"(answer _replace_existing=true to replace it)")
    return errors


# Run in a detached process: waits until cookiecutter has removed the project folder, then removes the now empty
# folders above it (os.rmdir removes nothing else).
_REMOVE_EMPTY_PARENTS = """
import os, sys, time
project, parents = sys.argv[1], sys.argv[2:]
deadline = time.monotonic() + 10
while os.path.exists(project) and time.monotonic() < deadline:
    time.sleep(0.05)
for parent in parents:
    try:
        os.rmdir(parent)
    except OSError:
        break
"""


def created_parent_folders(project_dir: Path, output_dir: Path) -> List[Path]:
    """
    The folders cookiecutter made between the output folder and the project folder for a connector_name holding a
    path separator (it creates them all before this hook runs, and removes only the project folder on failure).
    """
    parents = []
    for parent in project_dir.parents:
        if parent == output_dir:
            return parents
        if sorted(os.listdir(parent)) != [(parents[-1] if parents else project_dir).name]:
            return []  # the folder holds more than the chain: it was there before
        parents.append(parent)
    return []


def remove_created_parent_folders_after_exit(project_dir: Path, output_dir: Path) -> None:
    parents = created_parent_folders(project_dir, output_dir)
    if parents:
        subprocess.Popen([sys.executable, "-c", _REMOVE_EMPTY_PARENTS, str(project_dir), *map(str, parents)],
                         start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


def main(answers: Dict[str, Any]) -> int:
    errors = validate_answers(answers)
    for error in errors:
        print(f"spot-connector: {error}", file=sys.stderr)
    if errors and answers.get("_output_dir"):
        remove_created_parent_folders_after_exit(Path.cwd(), Path(answers["_output_dir"]))
    return 1 if errors else 0


if __name__ == "__main__":
    ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''
    sys.exit(main(json.loads(ANSWERS_JSON)))
