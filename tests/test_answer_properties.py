"""
Generated answers at every prompt (Hypothesis): each is refused in one line naming its prompt, or accepted, and an
accepted answer renders code that compiles.

The checks run in-process on many examples (the answer rules are plain functions); the renders, slower, on fewer.
Examples are derandomised and no example database is kept, so a CI run sees the same examples as a local one.
"""
import keyword
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from answer_sets import TEMPLATE_DEFAULTS, checked
from rendering import render

from spot_connector import answers as rules
from spot_connector.jinja_guard import AnswersRefused

# Every prompt that takes text, but hummingbot_root: it names a folder on this machine (test_hostile_input.py).
STRING_PROMPTS = [key for key, value in TEMPLATE_DEFAULTS.items()
                  if not key.startswith("_") and isinstance(value, str) and key != "hummingbot_root"]
OTHER_PROMPTS = [key for key in TEMPLATE_DEFAULTS
                 if not key.startswith("_") and key not in STRING_PROMPTS and key != "hummingbot_root"]
DERIVED_FROM = {prompt: {key for key, (sources, _) in rules.DERIVED.items() if prompt in dict(sources)}
                for prompt in TEMPLATE_DEFAULTS}

CHECK_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
NORMALISED_SETTINGS = settings(CHECK_SETTINGS, max_examples=100)
# A render takes about half a second: a few per prompt, and more with every prompt's answer generated at once.
RENDER_SETTINGS = settings(CHECK_SETTINGS, max_examples=6)
COMBINED_RENDER_SETTINGS = settings(CHECK_SETTINGS, max_examples=25)


# ---- strategies ----
# Pieces that break templates, Python string literals, shells, paths and terminals.
NASTY_FRAGMENTS = ["{{", "}}", "{%", "%}", "{#", "#}", "{{ 7 * 7 }}", "{{ cycler.__init__.__globals__.os }}", "{",
                   "}", '"', "'", '"""', "'''", "\\", "\\n", "\n", "\r", "\r\n", "\t", "\x00", "\x1b[2J", "\x7f",
                   "\u2028", "\u2029", "\u200b", "\ufeff", "\u0085", "ä", "é", "١٠٠", "１００", "🙂", "$(id)", "`id`",
                   ";", "|", "&&", "../", "/", "..", "~", "%s", "%(x)s", "%2F", "%", "#", "?", "@", ":", " ", ",",
                   "-", "_", ".", "0", "00", "1", "v3", "v3/", "//", "https://", "wss://", "None", "True", "class",
                   "print", "self", "api_key", "secret_key", "e", "E", "-3", "inf", "NaN", "0x10", "1_000"]
hostile_text = st.one_of(
    st.text(),  # any code point but surrogates: controls, format characters, non-ASCII letters and digits
    st.text(alphabet=st.characters(codec="ascii")),
    st.lists(st.one_of(st.sampled_from(NASTY_FRAGMENTS), st.text(max_size=3)), max_size=8).map("".join),
)


def digits_with_leading_zeros():
    return st.tuples(st.integers(0, 4), st.integers(0, 2 * rules.MAX_WHOLE_NUMBER)).map(
        lambda zeros_number: "0" * zeros_number[0] + str(zeros_number[1]))


whole_numbers = st.one_of(
    digits_with_leading_zeros(),
    st.integers(-10, 10 ** 13).map(str),
    st.sampled_from(["100", "0100", "000000000100", "1" * 13, "+100", "1_000", " 100", "100 ", "１００", "١٠٠",
                     "100.0", "1e3", "0x64", "0o144", "99", "0"]),
)
fees = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(min_value=0, max_value=1, places=8).map(str),
    st.floats(min_value=0, max_value=1).map(repr),
    st.tuples(st.integers(0, 999), st.integers(-30, 5)).map(lambda mantissa_exponent: "%de%d" % mantissa_exponent),
    st.sampled_from(["0", "0.0", ".5", "5.", "-0", "+0.1", "0.0_01", "1E-3", "0e5", "1", "0.999999999999999999",
                     "sNaN", "-0.0", "0.1 ", "0,1"]),
)
URL_PATH_ALPHABET = "".join(sorted(rules.URL_PATH_CHARACTERS))
hosts = st.one_of(st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?", fullmatch=True),
                  st.from_regex(r"[a-zA-Z0-9_]([a-zA-Z0-9._-]{0,20})?", fullmatch=True),
                  st.sampled_from(["localhost", "127.0.0.1", "[::1]", "äpi.acme.com", "api.acme.com.", "-api"]))


@st.composite
def urls(draw, schemes):
    """Mostly URLs the rule accepts (its schemes, a host, any path it allows), now and then one detail it refuses."""
    scheme = draw(st.sampled_from([*schemes * 4, "HTTPS", "ftp", "file", "", "javascript", "wss", "https"]))
    userinfo = draw(st.sampled_from(["", "", "", "", "", "user:password@", "user@", ":@"]))
    port = draw(st.one_of(st.sampled_from(["", "", "", ":443", ":9443"]), st.integers(0, 70000).map(":{}".format),
                          st.sampled_from([":", ":abc", ":-1", ":0x10"])))
    segments = st.one_of(st.text(alphabet=URL_PATH_ALPHABET, max_size=8),
                         st.sampled_from(["v3", "api", "", "%2F", "..", ".", "a b", 'a"b', "a\\b", "{x}", "ä", "\t"]))
    path = draw(st.lists(segments, max_size=5).map("/".join))
    tail = draw(st.sampled_from(["", "", "", "/", "//", "/v3", "/v3/", "?q=1", "#top", "?", "#", "\n", " "]))
    return f"{scheme}://{userinfo}{draw(hosts)}{port}/{path}{tail}"


snake_names = st.from_regex(rules.SNAKE_CASE, fullmatch=True)
PYTHON_AND_CONNECTOR_NAMES = sorted(set(keyword.kwlist) | set(keyword.softkwlist) | {
    "print", "self", "type", "id", "list", "api_key", "secret_key", "time_provider", "domain", "acme", "hummingbot",
    "test", "passphrase", "memo"})
names = st.one_of(snake_names, st.sampled_from(PYTHON_AND_CONNECTOR_NAMES))
credential_lists = st.lists(st.one_of(names, st.text(alphabet=string.ascii_letters + "_- ", max_size=6)),
                            max_size=4).flatmap(
    lambda items: st.sampled_from([",", ", ", " , ", ",,"]).map(lambda separator: separator.join(items)))

NEAR_VALID = {
    "connector_name": names,
    "rest_url": urls(("https", "http")),
    "wss_url": urls(("wss", "ws")),
    "wss_api_url": urls(("wss", "ws")),
    "default_domain": st.from_regex(r"[a-zA-Z0-9][a-z0-9_.-]{0,42}", fullmatch=True),
    "example_trading_pair": st.from_regex(r"[A-Za-z0-9]{1,22}-[A-Z0-9]{0,22}", fullmatch=True),
    "maker_fee": fees,
    "taker_fee": fees,
    "extra_api_keys": credential_lists,
    "testnet_domain": st.one_of(st.just(""), names, st.from_regex(r"[a-zA-Z0-9_.-]{1,42}", fullmatch=True)),
    "testnet_rest_url": st.one_of(st.just(""), urls(("https", "http"))),
    "testnet_wss_url": st.one_of(st.just(""), urls(("wss", "ws"))),
    "testnet_wss_api_url": st.one_of(st.just(""), urls(("wss", "ws"))),
    "client_order_id_prefix": st.from_regex(r"[A-Za-z0-9_.: -]{0,18}", fullmatch=True),
    "broker_header_name": st.one_of(st.just(""),
                                    st.from_regex(r"[A-Za-z0-9!#$%&'*+.^_`|~:\" -]{1,66}", fullmatch=True)),
    "broker_header_value": st.one_of(st.just(""), st.from_regex(r"[ -~]{1,130}", fullmatch=True)),
}
for _prompt in STRING_PROMPTS:
    NEAR_VALID.setdefault(_prompt, whole_numbers)
assert sorted(NEAR_VALID) == sorted(STRING_PROMPTS), "a new string prompt needs a near-valid strategy here"


@st.composite
def accepted_urls(draw, schemes):
    """URLs of the shape the rule accepts, with any path it allows: for the renders, where refusals teach nothing."""
    host = draw(st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?", fullmatch=True))
    port = draw(st.one_of(st.just(""), st.integers(0, 65535).map(":{}".format)))
    path = draw(st.lists(st.text(alphabet=URL_PATH_ALPHABET, max_size=10), max_size=5).map("/".join))
    return f"{draw(st.sampled_from(schemes))}://{host}{port}/{path}"


def zero_padded(minimum):
    return st.tuples(st.integers(0, 4), st.integers(minimum, rules.MAX_WHOLE_NUMBER)).map(
        lambda zeros_number: "0" * zeros_number[0] + str(zeros_number[1]))


# Answers of the shapes the rules accept (normalised or not): for the renders, where a refusal teaches nothing.
ACCEPTED_SHAPES = {
    "connector_name": snake_names.filter(lambda name: len(name) <= rules.MAX_CONNECTOR_NAME_LENGTH),
    "rest_url": accepted_urls(("https", "http")),
    "wss_url": accepted_urls(("wss", "ws")),
    "wss_api_url": accepted_urls(("wss", "ws")),
    "default_domain": st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,39}", fullmatch=True),
    "example_trading_pair": st.from_regex(r"[A-Z0-9]{1,20}-[A-Z0-9]{1,20}", fullmatch=True),
    "maker_fee": fees,
    "taker_fee": fees,
    "extra_api_keys": st.lists(snake_names.filter(lambda name: len(name) <= rules.MAX_CREDENTIAL_NAME_LENGTH),
                               max_size=3, unique=True).map(", ".join),
    "order_book_depth": zero_padded(rules.MIN_ORDER_BOOK_DEPTH),
    "testnet_domain": st.one_of(st.just(""), snake_names.filter(lambda name: len(name) <= 40)),
    "testnet_rest_url": accepted_urls(("https", "http")),
    "testnet_wss_url": accepted_urls(("wss", "ws")),
    "testnet_wss_api_url": accepted_urls(("wss", "ws")),
    "client_order_id_prefix": st.from_regex(r"[A-Za-z0-9_-]{0,16}", fullmatch=True),
    "broker_header_name": st.one_of(st.just(""), st.from_regex(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}", fullmatch=True)),
    "broker_header_value": st.from_regex(r"[!#-\[\]-~]{1,128}", fullmatch=True),
}
for _prompt in STRING_PROMPTS:
    ACCEPTED_SHAPES.setdefault(_prompt, zero_padded(1))
# For the renders of one answer: mostly accepted shapes, and the near-valid answers the rules may also accept.
RENDERABLE = {prompt: st.one_of(ACCEPTED_SHAPES[prompt], NEAR_VALID[prompt]) for prompt in STRING_PROMPTS}


# An optional answer renders only beside the answers it goes with: a testnet domain with its URLs, a broker header
# name with its value. The tests of one answer give those along, so that the answer lands in the render.
TESTNET_URLS = dict(testnet_rest_url="https://api-testnet.acme.com/api/",
                    testnet_wss_url="wss://stream-testnet.acme.com/ws",
                    testnet_wss_api_url="wss://ws-api-testnet.acme.com/ws")
COMPANIONS = {
    "testnet_domain": TESTNET_URLS,
    **{url: dict(TESTNET_URLS, testnet_domain="testnet") for url in TESTNET_URLS},
    "broker_header_name": dict(broker_header_value="hummingbot"),
    "broker_header_value": dict(broker_header_name="X-Broker-Id"),
}


def with_companions(prompt, value):
    return {**COMPANIONS.get(prompt, {}), prompt: value}


def hostile_answers(prompt):
    return st.one_of(hostile_text, NEAR_VALID[prompt])


# ---- the rules: never a crash, a refusal is one line naming its prompt ----
def assert_well_formed_refusals(prompt, errors):
    assert errors, "a refused answer must say why"
    for error in errors:
        assert isinstance(error, str)
        assert len(error.splitlines()) == 1 and error == error.strip(), f"not one line: {error!r}"
        assert error.split(" ", 1)[0] in {prompt} | DERIVED_FROM[prompt], f"does not name {prompt}: {error!r}"
    assert any(error.startswith(f"{prompt} ") for error in errors), errors


@pytest.mark.parametrize("prompt", STRING_PROMPTS)
@CHECK_SETTINGS
@given(data=st.data())
def test_any_text_is_accepted_or_refused_in_one_line_naming_the_prompt(prompt, data):
    value = data.draw(hostile_answers(prompt), label=prompt)
    normalised, errors = checked(**{prompt: value})
    if errors:
        assert_well_formed_refusals(prompt, errors)
    else:
        assert isinstance(normalised[prompt], str)
        assert not rules.holds_template_syntax(normalised[prompt])


@pytest.mark.parametrize("prompt", OTHER_PROMPTS)
@settings(CHECK_SETTINGS, max_examples=100)
@given(value=hostile_text)
def test_text_at_a_yes_no_or_choice_prompt_is_refused_in_one_line(prompt, value):
    assume(value not in rules.CHOICES.get(prompt, ()))
    _, errors = checked(**{prompt: value})
    assert_well_formed_refusals(prompt, errors)
    # One line for the answer. Template syntax carried into a value derived from it is refused there too, in a line
    # naming that value (test_answers.py: ..._refused_with_everything_derived_from_it).
    assert [error for error in errors if error.startswith(f"{prompt} ")] == errors[:1]
    echoes = [error.split(" ", 1)[0] for error in errors[1:]]
    assert set(echoes) <= DERIVED_FROM[prompt] and len(echoes) == len(set(echoes))
    assert echoes == [] or rules.holds_template_syntax(value)


@pytest.mark.parametrize("prompt", STRING_PROMPTS)
@NORMALISED_SETTINGS
@given(data=st.data())
def test_an_accepted_answer_is_accepted_again_unchanged(prompt, data):
    """The answers file records the normalised answer; reading it back (cruft, the update tool) must not change it."""
    value = data.draw(NEAR_VALID[prompt], label=prompt)
    normalised, errors = checked(**with_companions(prompt, value))
    assume(not errors)
    again, errors = checked(**with_companions(prompt, normalised[prompt]))
    assert errors == []
    assert again[prompt] == normalised[prompt]


def test_a_rest_url_ending_in_the_api_version_twice_is_accepted_again_unchanged():
    normalised, errors = checked(rest_url="https://api.acme.com/v3/v3")
    assert errors == []
    assert checked(rest_url=normalised["rest_url"])[0]["rest_url"] == normalised["rest_url"]


def test_a_small_fee_in_exponent_notation_is_judged_by_what_it_renders():
    normalised, errors = checked(maker_fee="1e-3")
    assert errors == [] and checked(maker_fee=normalised["maker_fee"]) == (normalised, [])
    _, errors = checked(maker_fee="1e-30")  # renders as 32 characters: refused as typed, not later as rendered
    assert errors == ["maker_fee '1e-30' is invalid: use a decimal fraction from 0 up to (not including) 1, e.g. 0.001"]


# ---- the renders: an accepted answer renders code that compiles ----
def compile_errors(workspace: Path):
    problems = []
    for path in sorted(workspace.rglob("*.py")):
        try:
            compile(path.read_text(), str(path), "exec")
        except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte in the source
            problems.append(f"{path.relative_to(workspace)}: {error!r}")
    return problems


def render_and_compile(answers):
    with tempfile.TemporaryDirectory(prefix="spot-connector-property-") as scratch:
        try:
            workspace = render(Path(scratch) / "out", **answers)
        except AnswersRefused:
            event("refused by the guard")
            return  # refused before anything was written: fine
        event("rendered")
        assert workspace.is_dir()
        assert compile_errors(workspace) == [], answers


@pytest.mark.parametrize("prompt", STRING_PROMPTS)
@RENDER_SETTINGS
@given(data=st.data())
def test_an_accepted_answer_renders_code_that_compiles(prompt, data):
    value = data.draw(RENDERABLE[prompt], label=prompt)
    assume(not checked(**with_companions(prompt, value))[1])
    render_and_compile(with_companions(prompt, value))


def accepted_twice(prompt, value):
    """Accepted by its rule, and its normalised form too (the guard checks the answers once per Jinja environment)."""
    normalised, error = rules.CHECKS[prompt](value)
    return error is None and rules.CHECKS[prompt](normalised)[1] is None


@st.composite
def accepted_answer_sets(draw):
    """Every text prompt at once, each drawn until its own rule accepts it (derived values then follow them all)."""
    answers = {}
    for prompt in STRING_PROMPTS:
        answers[prompt] = draw(ACCEPTED_SHAPES[prompt].filter(lambda value, p=prompt: accepted_twice(p, value)),
                               label=prompt)
    answers["time_synchronizer"] = draw(st.booleans())
    answers["balance_channel"] = draw(st.booleans())
    answers["user_stream"] = draw(st.sampled_from(rules.USER_STREAM_CHOICES))
    answers["auth_scheme"] = draw(st.sampled_from(rules.AUTH_SCHEME_CHOICES))
    answers["api_secret_field"] = draw(st.sampled_from(rules.API_SECRET_FIELD_CHOICES))
    return answers


@COMBINED_RENDER_SETTINGS
@given(answers=accepted_answer_sets())
def test_accepted_answers_together_render_code_that_compiles(answers):
    assume(not checked(**answers)[1])
    render_and_compile(answers)
