"""
The answers: what each prompt accepts, how an accepted answer is normalised, and what the template derives from them.

Every rule is a small function `(value) -> (normalised value, None)` or `(value, "one line naming the prompt and the
rule")`. `check_answers` runs them all; the Jinja guard (`jinja_guard.py`) and the pre-gen hook call it, so an answer
is checked before cookiecutter evaluates it and again, as data, before anything is written.
"""
import builtins
import json
import keyword
import re
import string
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from spot_connector.facts import BASE_CREDENTIALS, connector_folders, is_hummingbot_checkout

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
MAX_CONNECTOR_NAME_LENGTH = 40
MAX_CREDENTIAL_NAME_LENGTH = 40
MIN_ORDER_BOOK_DEPTH = 100
MAX_WHOLE_NUMBER = 999_999_999
MAX_FEE_LENGTH = 20
MAX_URL_LENGTH = 2000
# The rendered constants' MAX_ORDER_ID_LEN, and the longest client order id prefix that leaves room in it: a client
# order id is the prefix, one letter for the side, four for the pair and a unique suffix (hummingbot's
# get_new_client_order_id); 16 characters (OKX's broker code, the longest a hummingbot connector uses) leave 11 hex
# digits for the suffix.
MAX_ORDER_ID_LEN = 32
MAX_ORDER_ID_PREFIX_LENGTH = 16
MAX_HEADER_NAME_LENGTH = 64
MAX_HEADER_VALUE_LENGTH = 128
# RFC 7230 3.2.6: a header field name is a token of these characters.
HEADER_NAME_CHARACTERS = set(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
# Optional text prompts whose emptiness shapes the code: empty renders the partials of templates/<prompt>/none/, any
# other answer those of templates/<prompt>/yes/ (jinja_guard.shape).
OPTIONAL_SHAPE_PROMPTS = ("testnet_domain", "broker_header_name")
# The other domain the rendered web utils tests build URLs for (test_urls_follow_the_domain): a testnet domain of that
# name would take those URLs over.
RENDERED_TEST_DOMAIN = "test"
# The choices, as cookiecutter.json lists them (its first is the default).
TEMPLATE_PROMPTS = json.loads((Path(__file__).resolve().parent.parent / "cookiecutter.json").read_text())
CHOICE_PROMPTS = ("user_stream", "order_book_source", "ws_ping", "ws_compression", "auth_scheme", "api_secret_field")
CHOICES = {prompt: tuple(TEMPLATE_PROMPTS[prompt]) for prompt in CHOICE_PROMPTS}
USER_STREAM_CHOICES = CHOICES["user_stream"]
ORDER_BOOK_SOURCE_CHOICES = CHOICES["order_book_source"]
WS_PING_CHOICES = CHOICES["ws_ping"]
# The user streams that connect to the private websocket at wss_api_url (and testnet_wss_api_url): rest_token gets its
# endpoint from the exchange, listen_key uses the public websocket.
PRIVATE_WEBSOCKET_USER_STREAMS = ("ws_api", "ws_login", "signed_subscribe")
WS_COMPRESSION_CHOICES = CHOICES["ws_compression"]
AUTH_SCHEME_CHOICES = CHOICES["auth_scheme"]
API_SECRET_FIELD_CHOICES = CHOICES["api_secret_field"]
# Credentials a scheme needs besides the API key and secret (they come first among the extra credentials).
IMPLIED_CREDENTIALS = {"hmac_sha256_base64_headers": ("passphrase",)}
# The API version the rendered web utils append to `rest_url` (PUBLIC_API_VERSION in the constants module).
REST_API_VERSION_SEGMENT = "v3"
# What starts a Jinja expression, statement or comment: an answer holding one would be evaluated as a template.
TEMPLATE_SYNTAX = ("{{", "{%", "{#")
# Characters allowed in a URL path (RFC 3986 pchar and "/"), less the quotes and backslash that would end or escape
# the Python string literal the URL is rendered into.
URL_PATH_CHARACTERS = set(string.ascii_letters + string.digits + "-._~!$&()*+,;=:@%/")
RESERVED_NAMES_FILE = Path(__file__).with_name("reserved_names.txt")

Checked = Tuple[Any, Optional[str]]


def holds_template_syntax(value: Any) -> bool:
    """True when a string anywhere in the value (lists and dicts included) would start Jinja syntax."""
    if isinstance(value, str):
        return any(start in value for start in TEMPLATE_SYNTAX)
    if isinstance(value, dict):
        return any(holds_template_syntax(key) or holds_template_syntax(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_template_syntax(item) for item in value)
    return False


def _is_snake_case_identifier(value: Any) -> bool:
    return (isinstance(value, str) and bool(SNAKE_CASE.match(value)) and not keyword.iskeyword(value)
            and not keyword.issoftkeyword(value))


# ---- names ----
def check_connector_name(value: Any) -> Checked:
    if not _is_snake_case_identifier(value) or len(value) > MAX_CONNECTOR_NAME_LENGTH:
        return value, (f"connector_name {value!r} is invalid: use lowercase snake_case (a-z, 0-9 and single "
                       f"underscores), starting with a letter, at most {MAX_CONNECTOR_NAME_LENGTH} characters, "
                       f"not a Python keyword")
    return value, None


def reserved_credential_names() -> frozenset:
    """
    Names an extra credential must not take: every name the rendered modules use (reserved_names.txt, kept complete
    by a test that reads the renders), Python's builtins and the credentials every connector has.
    """
    listed = {line.strip() for line in RESERVED_NAMES_FILE.read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    return frozenset(listed | set(dir(builtins)) | set(BASE_CREDENTIALS))


def split_credentials(value: str) -> List[str]:
    return [name.strip() for name in value.split(",")] if value.strip() else []


def check_extra_api_keys(value: Any) -> Checked:
    rule = (f"use comma-separated snake_case names of at most {MAX_CREDENTIAL_NAME_LENGTH} characters, each once, "
            f"none a name the connector already uses (e.g. passphrase,memo), or nothing")
    if not isinstance(value, str):
        return value, f"extra_api_keys {value!r} is invalid: {rule}"
    names = split_credentials(value)
    malformed = [name for name in names
                 if not _is_snake_case_identifier(name) or len(name) > MAX_CREDENTIAL_NAME_LENGTH]
    if malformed or len(set(names)) != len(names):
        return value, f"extra_api_keys {value!r} is invalid: {rule}"
    taken = [name for name in names if name in reserved_credential_names()]
    if taken:
        return value, (f"extra_api_keys {value!r} is invalid: {', '.join(taken)} is a name the rendered connector "
                       f"already uses; pick another (e.g. passphrase, memo)")
    return ",".join(names), None


# ---- URLs ----
def _check_url(answer: str, value: Any, schemes: Tuple[str, ...]) -> Checked:
    """Scheme, host, optional port and path only; the path's doubled slashes are folded."""
    allowed = " or ".join(f"{scheme}://" for scheme in schemes)
    refusal = (f"{answer} {value!r} is invalid: use an {allowed} URL with a host and a path only (no user:password@, "
               f"query, fragment, spaces, quotes, control or non-ASCII characters)")
    if (not isinstance(value, str) or len(value) > MAX_URL_LENGTH or not value.isascii() or not value.isprintable()
            or any(character.isspace() for character in value)):
        return value, refusal
    try:
        parts = urlsplit(value)
        parts.port  # raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return value, refusal
    host = parts.hostname or ""
    if (parts.scheme not in schemes or not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", host)
            or "@" in parts.netloc or parts.query or parts.fragment or "?" in value or "#" in value
            or not set(parts.path) <= URL_PATH_CHARACTERS):
        return value, refusal
    path = re.sub(r"/{2,}", "/", parts.path)
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", "")), None


def check_rest_url(value: Any, answer: str = "rest_url") -> Checked:
    """The base the web utils append `v3/<path>` to: it ends in exactly one slash and not in the version itself."""
    url, error = _check_url(answer, value, ("https", "http"))
    if error:
        return url, error
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    while segments and segments[-1] == REST_API_VERSION_SEGMENT:
        segments.pop()  # the constants module adds the version: keeping it would render /v3/v3/
    path = "/" + "".join(f"{segment}/" for segment in segments)
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")), None


def check_wss_url(value: Any) -> Checked:
    return _check_url("wss_url", value, ("wss", "ws"))


def check_wss_api_url(value: Any) -> Checked:
    return _check_url("wss_api_url", value, ("wss", "ws"))


def check_testnet_rest_url(value: Any) -> Checked:
    """Empty (no testnet domain), or a URL under the rules of rest_url."""
    return ("", None) if value == "" else check_rest_url(value, "testnet_rest_url")


def check_testnet_wss_url(value: Any) -> Checked:
    return ("", None) if value == "" else _check_url("testnet_wss_url", value, ("wss", "ws"))


def check_testnet_wss_api_url(value: Any) -> Checked:
    return ("", None) if value == "" else _check_url("testnet_wss_api_url", value, ("wss", "ws"))


# ---- plain values ----
def check_default_domain(value: Any) -> Checked:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,39}", value):
        return value, (f"default_domain {value!r} is invalid: use up to 40 lowercase letters, digits, '.', '-' or '_' "
                       f"(e.g. com)")
    return value, None


def check_testnet_domain(value: Any) -> Checked:
    if value == "":
        return "", None
    if not _is_snake_case_identifier(value) or len(value) > MAX_CONNECTOR_NAME_LENGTH or value == RENDERED_TEST_DOMAIN:
        return value, (f"testnet_domain {value!r} is invalid: use lowercase snake_case of at most "
                       f"{MAX_CONNECTOR_NAME_LENGTH} characters other than {RENDERED_TEST_DOMAIN} (e.g. testnet), or "
                       f"nothing for no second domain")
    return value, None


def check_client_order_id_prefix(value: Any) -> Checked:
    """The characters Binance, Bybit, KuCoin and Gate.io all accept in a client order id: A-Z a-z 0-9 - _"""
    if not isinstance(value, str) or not re.fullmatch(rf"[A-Za-z0-9_-]{{0,{MAX_ORDER_ID_PREFIX_LENGTH}}}", value):
        return value, (f"client_order_id_prefix {value!r} is invalid: use up to {MAX_ORDER_ID_PREFIX_LENGTH} letters, "
                       f"digits, '-' or '_' (e.g. x-HBOT), or nothing, so that the order ids fit in MAX_ORDER_ID_LEN "
                       f"({MAX_ORDER_ID_LEN} characters)")
    return value, None


def check_broker_header_name(value: Any) -> Checked:
    if value == "":
        return "", None
    if (not isinstance(value, str) or not 0 < len(value) <= MAX_HEADER_NAME_LENGTH
            or not set(value) <= HEADER_NAME_CHARACTERS):
        return value, (f"broker_header_name {value!r} is invalid: use an HTTP header name of at most "
                       f"{MAX_HEADER_NAME_LENGTH} characters, an RFC 7230 token (letters, digits, '-' and a few other "
                       f"symbols; no spaces, colons, quotes or brackets), e.g. X-Broker-Id, or nothing for no "
                       f"broker header")
    return value, None


def check_broker_header_value(value: Any) -> Checked:
    """Visible ASCII, less the quote and backslash that would end or escape the Python string literal it is put in."""
    if value == "":
        return "", None
    if (not isinstance(value, str) or len(value) > MAX_HEADER_VALUE_LENGTH
            or not all("!" <= character <= "~" and character not in "\\\"" for character in value)):
        return value, (f"broker_header_value {value!r} is invalid: use at most {MAX_HEADER_VALUE_LENGTH} visible ASCII "
                       f"characters (no spaces, quotes or backslashes), e.g. hummingbot")
    return value, None


def check_example_trading_pair(value: Any) -> Checked:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9]{1,20}-[A-Z0-9]{1,20}", value):
        return value, (f"example_trading_pair {value!r} is invalid: use hummingbot's BASE-QUOTE form in capitals "
                       f"(e.g. BTC-USDT)")
    return value, None


def _check_fee(answer: str, value: Any) -> Checked:
    refusal = f"{answer} {value!r} is invalid: use a decimal fraction from 0 up to (not including) 1, e.g. 0.001"
    text = str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    if not text or len(text) > MAX_FEE_LENGTH or not text.isascii() or text != text.strip():
        return value, refusal
    try:
        fee = Decimal(text)
    except InvalidOperation:
        return value, refusal
    plain = format(fee, "f") if fee.is_finite() else ""  # plain notation: 1e-3 renders as 0.001
    if not plain or not Decimal("0") <= fee < Decimal("1") or len(plain) > MAX_FEE_LENGTH:
        return value, refusal
    return plain, None


def check_maker_fee(value: Any) -> Checked:
    return _check_fee("maker_fee", value)


def check_taker_fee(value: Any) -> Checked:
    return _check_fee("taker_fee", value)


def _whole_number(value: Any) -> Optional[int]:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_WHOLE_NUMBER)) + 3):
        return None
    return int(text)  # leading zeros are dropped: 0100 is 100, not an octal literal that does not compile


def _check_whole_number(answer: str, minimum: int) -> Callable[[Any], Checked]:
    def check(value: Any) -> Checked:
        number = _whole_number(value)
        if number is None or not minimum <= number <= MAX_WHOLE_NUMBER:
            return value, f"{answer} {value!r} is invalid: use a whole number from {minimum} to {MAX_WHOLE_NUMBER}"
        return str(number), None
    return check


def _check_boolean(answer: str) -> Callable[[Any], Checked]:
    def check(value: Any) -> Checked:
        if not isinstance(value, bool):
            return value, f"{answer} {value!r} is invalid: answer yes or no (true/false)"
        return value, None
    return check


def _check_choice(answer: str) -> Callable[[Any], Checked]:
    def check(value: Any) -> Checked:
        if value not in CHOICES[answer]:
            return value, f"{answer} {value!r} is invalid: choose one of {', '.join(CHOICES[answer])}"
        return value, None
    return check


def check_hummingbot_root(value: Any) -> Checked:
    """Empty for a standalone workspace; otherwise a checkout, resolved from the folder cookiecutter was run in."""
    if value in ("", None):
        return "", None
    refusal = (f"hummingbot_root {value!r} is invalid: give the root folder of a hummingbot checkout (it holds "
               f"hummingbot/connector/exchange/ and test/hummingbot/), or nothing for a standalone workspace")
    if not isinstance(value, str) or not value.isprintable():
        return value, refusal
    try:
        root = Path(value).expanduser().resolve()
        is_checkout = is_hummingbot_checkout(root)
    except (OSError, RuntimeError, ValueError):
        return value, refusal
    return (str(root), None) if is_checkout else (value, refusal)


CHECKS: Dict[str, Callable[[Any], Checked]] = {
    "connector_name": check_connector_name,
    "rest_url": check_rest_url,
    "wss_url": check_wss_url,
    "wss_api_url": check_wss_api_url,
    "default_domain": check_default_domain,
    "testnet_domain": check_testnet_domain,
    "testnet_rest_url": check_testnet_rest_url,
    "testnet_wss_url": check_testnet_wss_url,
    "testnet_wss_api_url": check_testnet_wss_api_url,
    "client_order_id_prefix": check_client_order_id_prefix,
    "broker_header_name": check_broker_header_name,
    "broker_header_value": check_broker_header_value,
    "example_trading_pair": check_example_trading_pair,
    "maker_fee": check_maker_fee,
    "taker_fee": check_taker_fee,
    "order_book_depth": _check_whole_number("order_book_depth", MIN_ORDER_BOOK_DEPTH),
    "ws_heartbeat_interval": _check_whole_number("ws_heartbeat_interval", 1),
    "rate_limit_request_weight_per_minute": _check_whole_number("rate_limit_request_weight_per_minute", 1),
    "rate_limit_orders_per_10_seconds": _check_whole_number("rate_limit_orders_per_10_seconds", 1),
    "rate_limit_orders_per_day": _check_whole_number("rate_limit_orders_per_day", 1),
    "rate_limit_raw_requests_per_5_minutes": _check_whole_number("rate_limit_raw_requests_per_5_minutes", 1),
    "time_synchronizer": _check_boolean("time_synchronizer"),
    "user_stream": _check_choice("user_stream"),
    "order_book_source": _check_choice("order_book_source"),
    "ws_ping": _check_choice("ws_ping"),
    "ws_compression": _check_choice("ws_compression"),
    "auth_scheme": _check_choice("auth_scheme"),
    "api_secret_field": _check_choice("api_secret_field"),
    "extra_api_keys": check_extra_api_keys,
    "balance_channel": _check_boolean("balance_channel"),
    "hummingbot_root": check_hummingbot_root,
    "_replace_existing": _check_boolean("_replace_existing"),
}


# ---- what the template derives (cookiecutter.json computes the `__` values with these, as Jinja filters) ----
def class_prefix(connector_name: str) -> str:
    """gate_io -> GateIo, as hummingbot derives the exchange class name."""
    return "".join(part.capitalize() for part in str(connector_name).split("_"))


def display_name(connector_name: str) -> str:
    return " ".join(part.capitalize() for part in str(connector_name).split("_"))


def host_label(connector_name: str) -> str:
    """
    gate_io -> gate-io: the name as a host name label, for the default URLs (https://api.gate-io.com/api/), so that
    connectors rendered with default answers have hosts of their own. Whatever the name, the result is a valid label
    (lowercase letters, digits and inner hyphens): a refused name is then the one refusal, not its URLs too.
    """
    label = re.sub(r"[^a-z0-9]+", "-", str(connector_name).lower()).strip("-")
    return label[:63].rstrip("-") or "exchange"


def api_credentials(extra_api_keys: str, auth_scheme: str = AUTH_SCHEME_CHOICES[0],
                    api_secret_field: str = API_SECRET_FIELD_CHOICES[0]) -> str:
    """
    Every credential the connector takes, comma-separated: the API key, the secret (named by api_secret_field), then
    the extra ones (those the auth scheme implies first).
    """
    return ",".join([BASE_CREDENTIALS[0], str(api_secret_field), *extra_credentials(extra_api_keys, auth_scheme)])


def extra_credentials(extra_api_keys: str, auth_scheme: str = AUTH_SCHEME_CHOICES[0]) -> List[str]:
    """
    The credentials besides the API key and secret: those the auth scheme implies (a passphrase for the OKX family),
    then the ones answered, in the order given, each once.
    """
    implied = list(IMPLIED_CREDENTIALS.get(str(auth_scheme), ()))
    return implied + [name for name in split_credentials(str(extra_api_keys)) if name not in implied]


def domain_url(url: str, domain: str) -> str:
    """
    A URL answer as Binance's constants spell theirs (`"https://api.binance.{}/api/"`): a host ending in the default
    domain ends in `{}` instead, which the rendered web utils fill with `.format(domain)`. A URL whose host does not
    end in the domain is kept as it is, and then serves every domain.
    """
    parts = urlsplit(str(url))
    host, colon, port = parts.netloc.partition(":")
    if not host.endswith(f".{domain}"):
        return str(url)
    netloc = host[:-len(domain)] + "{}" + colon + port
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# The filters cookiecutter.json's Jinja defaults use; the Jinja extension gives them to cookiecutter's environment.
FILTERS: Dict[str, Callable[[Any], Any]] = {
    "class_prefix": class_prefix,
    "display_name": display_name,
    "host_label": host_label,
    "api_credentials": api_credentials,
    "extra_credentials": extra_credentials,
    "domain_url": domain_url,
}


def rendered_defaults(connector_name: Optional[str] = None) -> Dict[str, Any]:
    """
    cookiecutter.json as cookiecutter renders it when every prompt takes its default (a choice its first option), or
    `connector_name` if given: the defaults written in Jinja (the URLs, the derived values) computed from it.
    """
    from jinja2 import Environment  # only the template's own defaults are rendered here; answers are data in them

    answers = {key: value[0] if key in CHOICES else value for key, value in TEMPLATE_PROMPTS.items()}
    if connector_name is not None:
        answers["connector_name"] = connector_name
    environment = Environment()
    environment.filters.update(FILTERS)
    for key, value in TEMPLATE_PROMPTS.items():
        if isinstance(value, str) and holds_template_syntax(value):
            answers[key] = environment.from_string(value).render(cookiecutter=answers)
    return answers


# Each derived value: the answers it is computed from (with the default of each) and how.
DERIVED: Dict[str, Tuple[Tuple[Tuple[str, str], ...], Callable[..., str]]] = {
    "__class_prefix": ((("connector_name", ""),), class_prefix),
    "__display_name": ((("connector_name", ""),), display_name),
    "__api_credentials": ((("extra_api_keys", ""), ("auth_scheme", AUTH_SCHEME_CHOICES[0]),
                           ("api_secret_field", API_SECRET_FIELD_CHOICES[0])), api_credentials),
}


def _derive(answers: Dict[str, Any], key: str) -> str:
    sources, derive = DERIVED[key]
    return derive(*[answers.get(source, default) for source, default in sources])


def with_derived_values(answers: Dict[str, Any]) -> Dict[str, Any]:
    """The answers with the values the template derives from them, as cookiecutter renders them."""
    return {**answers, **{key: _derive(answers, key) for key in DERIVED}}


def check_together(answers: Dict[str, Any]) -> List[str]:
    """The rules between answers: an optional header or domain, once named, needs its values."""
    errors = []
    testnet = answers.get("testnet_domain", "")
    if testnet and testnet == answers.get("default_domain"):
        errors.append(f"testnet_domain {testnet!r} is invalid: it is the default_domain; name the second domain "
                      f"differently (e.g. testnet)")
    wanted = ["testnet_rest_url", "testnet_wss_url"]
    if answers.get("user_stream") in PRIVATE_WEBSOCKET_USER_STREAMS:
        wanted.append("testnet_wss_api_url")
    missing = [answer for answer in wanted if answers.get(answer, "") == ""]
    if testnet and missing and testnet != answers.get("default_domain"):
        errors.append(f"testnet_domain {testnet!r} is invalid: give its URLs too ({', '.join(missing)}, under the "
                      f"rules of rest_url, wss_url and wss_api_url), or nothing for no second domain")
    name = answers.get("broker_header_name")
    if name and answers.get("broker_header_value", "") == "":
        errors.append(f"broker_header_name {name!r} is invalid: give broker_header_value too (e.g. hummingbot), or "
                      f"leave both empty")
    return errors


def check_derived(answers: Dict[str, Any], template_defaults: Dict[str, Any], rendered: bool) -> List[str]:
    """
    A derived value is the template's own: before cookiecutter renders the answers, its unrendered default from
    cookiecutter.json; after, exactly what the template computes.
    """
    errors = []
    for key, (sources, _) in DERIVED.items():
        allowed = [_derive(answers, key)] if rendered else [template_defaults.get(key)]
        if key in answers and answers[key] not in allowed:
            names = " and ".join(source for source, _ in sources)
            errors.append(f"{key} {answers[key]!r} is refused: the template derives it from {names}; do not set it")
    return errors


def is_unrendered_default(key: str, value: Any, template_defaults: Dict[str, Any]) -> bool:
    """A default that cookiecutter.json computes with Jinja (the URLs), before cookiecutter has rendered it."""
    return isinstance(value, str) and holds_template_syntax(value) and value == template_defaults.get(key)


def check_template_syntax(answers: Dict[str, Any], template_defaults: Dict[str, Any]) -> List[str]:
    """Answers are data: one that would start a Jinja expression, statement or comment is refused unevaluated."""
    return [f"{key} {value!r} is refused: answers are data, and {{{{, {{% or {{# would run as a template; remove it"
            for key, value in answers.items()
            if key != "__prompts__" and holds_template_syntax(value) and value != template_defaults.get(key)]


def existing_connector_folders(hummingbot_root: Path, connector_name: str) -> List[Path]:
    return [hummingbot_root / folder for folder in connector_folders(connector_name)
            if (hummingbot_root / folder).exists() or (hummingbot_root / folder).is_symlink()]


def check_answers(answers: Dict[str, Any], template_defaults: Dict[str, Any],
                  rendered: bool) -> Tuple[Dict[str, Any], List[str]]:
    """
    (normalised answers, one line per refused answer in prompt order). Only the answers present are checked: before
    cookiecutter renders them (`rendered` False), the context holds the defaults and the answers given on the command
    line or by cruft; after, every answer.
    """
    errors = check_template_syntax(answers, template_defaults)
    if errors:
        return answers, errors  # nothing else looks at a value that would run as a template
    normalised = dict(answers)
    for key, check in CHECKS.items():
        if not rendered and key in answers and is_unrendered_default(key, answers[key], template_defaults):
            continue  # the template's own expression (a URL derived from the name): checked once rendered
        if not rendered and isinstance(answers.get(key), list) and key in CHOICES:
            if sorted(answers[key]) != sorted(CHOICES[key]):  # cookiecutter keeps the options until it prompts
                errors.append(f"{key} {answers[key]!r} is invalid: the choices are {', '.join(CHOICES[key])}")
        elif key in answers:
            normalised[key], error = check(answers[key])
            if error:
                errors.append(error)
    if not errors:
        errors += check_together(normalised)
    errors += check_derived(normalised, template_defaults, rendered)
    root = normalised.get("hummingbot_root")
    if not errors and root and not normalised.get("_replace_existing"):
        for folder in existing_connector_folders(Path(root), normalised["connector_name"]):
            errors.append(f"hummingbot_root: {folder} already exists; nothing was changed "
                          f"(answer _replace_existing=true to replace it)")
    return normalised, errors
