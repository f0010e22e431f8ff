"""The answer rules (spot_connector/answers.py): what each prompt accepts, and how an accepted answer is normalised."""

import pytest

from answer_sets import TEMPLATE_DEFAULTS, checked, rendered_defaults
from checkout import make_hummingbot_checkout
from reserved_names import names_the_renders_use, reserved_names_listed

from spot_connector import answers as rules
from spot_connector import jinja_guard
from spot_connector.facts import RENDER_IN_PROGRESS_MARKER


@pytest.mark.parametrize("answer, given, normalised", [
    ("order_book_depth", "0100", "100"),
    ("ws_heartbeat_interval", "007", "7"),
    ("rate_limit_orders_per_day", 200000, "200000"),
    ("maker_fee", "1e-3", "0.001"),
    ("taker_fee", "0.0010", "0.0010"),
    ("rest_url", "https://api.acme.com/api", "https://api.acme.com/api/"),
    ("rest_url", "https://api.acme.com/api/v3/", "https://api.acme.com/api/"),
    ("rest_url", "https://api.acme.com//api//v3", "https://api.acme.com/api/"),
    ("rest_url", "https://API.Acme.com:8443", "https://api.acme.com:8443/"),
    ("wss_url", "wss://stream.acme.com:9443//ws", "wss://stream.acme.com:9443/ws"),
    ("extra_api_keys", " passphrase , memo ", "passphrase,memo"),
    ("client_order_id_prefix", "", ""),
    ("client_order_id_prefix", "93027a12dac34fBC", "93027a12dac34fBC"),
    ("client_order_id_prefix", "t-HBOT_", "t-HBOT_"),
    ("broker_header_name", "", ""),
    ("broker_header_value", "", ""),
    ("broker_header_value", "unused-without-a-name", "unused-without-a-name"),
    ("testnet_domain", "", ""),
    ("testnet_rest_url", "", ""),
    ("testnet_rest_url", "https://API-testnet.Acme.com//api/v3", "https://api-testnet.acme.com/api/"),
    ("testnet_wss_url", "wss://stream-testnet.acme.com:9443//ws", "wss://stream-testnet.acme.com:9443/ws"),
    ("testnet_wss_api_url", "wss://ws-api-testnet.acme.com/ws-api/v3", "wss://ws-api-testnet.acme.com/ws-api/v3"),
])
def test_accepted_answers_are_normalised(answer, given, normalised):
    answers, errors = checked(**{answer: given})
    assert errors == [] and answers[answer] == normalised


@pytest.mark.parametrize("answer, value", [
    ("rest_url", "https://user:password@api.acme.com/api/"),
    ("rest_url", "https://api.acme.com/api/?key=1"),
    ("rest_url", "https://api.acme.com/api/#top"),
    ("rest_url", "https://api.acme.com/a pi/"),
    ("rest_url", "https://api.acme.com/api/\n"),
    ("rest_url", "https://api.acme.com/\x00/"),
    ("rest_url", "https://äpi.acme.com/api/"),
    ("rest_url", "https://api.acme.com:99999/api/"),
    ("rest_url", "https://api.acme.com/api\\/"),
    ("wss_url", "wss://stream.acme.com/ws?x=1"),
    ("order_book_depth", "1" * 5000),
    ("order_book_depth", "１００"),
    ("order_book_depth", True),
    ("maker_fee", "0." + "1" * 30),
    ("maker_fee", " 0.1"),
    ("extra_api_keys", "secret_key"),
    ("extra_api_keys", "time_provider"),
    ("extra_api_keys", "self"),
    ("extra_api_keys", "print"),
    ("extra_api_keys", "domain"),
    ("extra_api_keys", "api_key"),
    ("extra_api_keys", "x" * 41),
    ("default_domain", "c" * 41),
    ("example_trading_pair", "B" * 21 + "-USDT"),
    ("hummingbot_root", "/no/such/checkout"),
    ("client_order_id_prefix", "x" * 17),
    ("client_order_id_prefix", "x-HBOT "),
    ("client_order_id_prefix", "hb.ot"),
    ("client_order_id_prefix", 'x"HBOT'),
    ("client_order_id_prefix", "hbøt"),
    ("client_order_id_prefix", None),
    ("broker_header_name", "X Broker"),
    ("broker_header_name", "X-Broker:"),
    ("broker_header_name", "X-Broker\r\nX-Evil"),
    ("broker_header_name", 'X-"Broker"'),
    ("broker_header_name", "X-Bröker"),
    ("broker_header_name", "X" * 65),
    ("broker_header_name", ["X-Broker"]),
    ("broker_header_value", "hummingbot\r\nX-Evil: 1"),
    ("broker_header_value", "humming bot"),
    ("broker_header_value", 'humming"bot'),
    ("broker_header_value", "humming\\bot"),
    ("broker_header_value", "hümmingbot"),
    ("broker_header_value", "x" * 129),
    ("testnet_domain", "Testnet"),
    ("testnet_domain", "test-net"),
    ("testnet_domain", "test"),
    ("testnet_domain", "class"),
    ("testnet_domain", "t" * 41),
    ("testnet_rest_url", "wss://api-testnet.acme.com/api/"),
    ("testnet_rest_url", "https://user:password@api-testnet.acme.com/api/"),
    ("testnet_wss_url", "https://stream-testnet.acme.com/ws"),
    ("testnet_wss_api_url", "wss://ws-api-testnet.acme.com/ws?x=1"),
    ("_replace_existing", "yes please"),
    ("auth_scheme", "jwt"),
    ("auth_scheme", ["hmac_sha256_query"]),
    ("ws_ping", "heartbeat_channel"),
    ("api_secret_field", "secret"),
])
def test_refused_answers_get_one_line_naming_the_prompt(answer, value):
    _, errors = checked(**{answer: value})
    assert len(errors) == 1 and errors[0].startswith(f"{answer} {value!r} is invalid: ") and "\n" not in errors[0]


@pytest.mark.parametrize("answer", ["maker_fee", "rest_url", "example_trading_pair", "hummingbot_root"])
@pytest.mark.parametrize("payload", ["{{ 7 * 7 }}", "{% if true %}x{% endif %}", "{# comment #}",
                                     "{{ cycler.__init__.__globals__.os.system('id') }}"])
def test_template_syntax_is_refused_before_anything_else(answer, payload):
    _, errors = checked(**{answer: payload})
    assert errors == [f"{answer} {payload!r} is refused: answers are data, and {{{{, {{% or {{# would run as a "
                      f"template; remove it"]


def test_the_longest_order_id_prefix_leaves_room_for_unique_ids():
    """hummingbot's get_new_client_order_id: prefix, side, four pair letters, then a suffix cut to what is left."""
    from hummingbot.connector.utils import get_new_client_order_id
    prefix = "x" * rules.MAX_ORDER_ID_PREFIX_LENGTH
    assert checked(client_order_id_prefix=prefix)[1] == []
    ids = {get_new_client_order_id(True, "BTC-USDT", prefix, rules.MAX_ORDER_ID_LEN) for _ in range(1000)}
    assert len(ids) == 1000
    assert {len(order_id) for order_id in ids} == {rules.MAX_ORDER_ID_LEN}
    assert {order_id[:len(prefix) + 5] for order_id in ids} == {prefix + "BBCUT"}  # 11 characters left unique


def test_the_order_id_length_is_the_rendered_one(default_workspace):
    constants = (default_workspace / "hummingbot/connector/exchange/acme/acme_constants.py").read_text()
    assert f"MAX_ORDER_ID_LEN = {rules.MAX_ORDER_ID_LEN}\n" in constants
    assert f'HBOT_ORDER_ID_PREFIX = "{TEMPLATE_DEFAULTS["client_order_id_prefix"]}"\n' in constants


@pytest.mark.parametrize("name, value", [
    ("X-Gate-Channel-Id", "hummingbot"), ("referer", "Hummingbot"), ("X-BROKER-ID", "2200"),
    ("X-Odd!#$%&'*+.^_`|~", "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"),
])
def test_a_broker_header_in_rfc_7230_shape_is_accepted(name, value):
    answers, errors = checked(broker_header_name=name, broker_header_value=value)
    assert errors == [] and (answers["broker_header_name"], answers["broker_header_value"]) == (name, value)


TESTNET_URLS = dict(testnet_rest_url="https://api-testnet.acme.com/api/",
                    testnet_wss_url="wss://stream-testnet.acme.com/ws",
                    testnet_wss_api_url="wss://ws-api-testnet.acme.com/ws-api/v3")


def test_a_testnet_domain_with_its_urls_is_accepted():
    answers, errors = checked(testnet_domain="testnet", **TESTNET_URLS)
    assert errors == [] and answers["testnet_domain"] == "testnet"


def test_a_testnet_domain_is_not_the_default_domain():
    _, errors = checked(testnet_domain="main", default_domain="main", **TESTNET_URLS)
    assert errors == ["testnet_domain 'main' is invalid: it is the default_domain; name the second domain differently "
                      "(e.g. testnet)"]


@pytest.mark.parametrize("user_stream, wanted", [
    ("listen_key", ["testnet_rest_url", "testnet_wss_url"]),
    ("ws_api", ["testnet_rest_url", "testnet_wss_url", "testnet_wss_api_url"]),
    ("ws_login", ["testnet_rest_url", "testnet_wss_url", "testnet_wss_api_url"]),
    ("signed_subscribe", ["testnet_rest_url", "testnet_wss_url", "testnet_wss_api_url"]),
    ("rest_token", ["testnet_rest_url", "testnet_wss_url"]),
])
def test_a_testnet_domain_needs_its_urls(user_stream, wanted):
    _, errors = checked(testnet_domain="testnet", user_stream=user_stream)
    assert errors == [f"testnet_domain 'testnet' is invalid: give its URLs too ({', '.join(wanted)}, under the rules "
                      f"of rest_url, wss_url and wss_api_url), or nothing for no second domain"]


def test_a_broker_header_name_needs_its_value():
    _, errors = checked(broker_header_name="X-Broker-Id")
    assert errors == ["broker_header_name 'X-Broker-Id' is invalid: give broker_header_value too (e.g. hummingbot), or "
                      "leave both empty"]


def test_template_syntax_in_a_name_is_refused_with_everything_derived_from_it():
    _, errors = checked(connector_name="{{ 7 * 7 }}")
    assert [error.split()[0] for error in errors] == ["connector_name", "__class_prefix", "__display_name"]


def test_template_syntax_is_found_inside_lists_and_dicts():
    assert rules.holds_template_syntax(["ok", {"key": "{{ x }}"}])
    assert rules.holds_template_syntax({"{% x %}": "ok"})
    assert not rules.holds_template_syntax(["{ not jinja }", {"a": 1, "b": None}])


@pytest.mark.parametrize("derived", sorted(rules.DERIVED))
def test_derived_values_cannot_be_set_from_outside(derived):
    answers = rendered_defaults()
    answers[derived] = "Evil"
    _, errors = rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=True)
    sources = " and ".join(source for source, _ in rules.DERIVED[derived][0])
    assert errors == [f"{derived} 'Evil' is refused: the template derives it from {sources}; do not set it"]


def test_before_rendering_a_derived_value_is_its_unrendered_default():
    answers = dict(TEMPLATE_DEFAULTS)
    assert rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=False)[1] == []
    answers["__class_prefix"] = "Evil"
    assert rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=False)[1] == [
        "__class_prefix 'Evil' is refused: the template derives it from connector_name; do not set it"]
    # After rendering, the unrendered default would land in the code as text: refused too.
    assert checked(__class_prefix=TEMPLATE_DEFAULTS["__class_prefix"])[1] == []  # recomputed by rendered_defaults
    answers = rendered_defaults()
    answers["__display_name"] = TEMPLATE_DEFAULTS["__display_name"]
    assert len(rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=True)[1]) == 1


@pytest.mark.parametrize("name, label", [("acme", "acme"), ("gate_io", "gate-io"), ("a1_b2_c3", "a1-b2-c3"),
                                         ("x" * 40, "x" * 40)])
def test_the_default_urls_take_the_name_as_their_host(name, label):
    """Connectors rendered with default answers have hosts of their own (their mocked URLs do not meet in one run)."""
    defaults = rules.rendered_defaults(name)
    assert defaults["rest_url"] == f"https://api.{label}.com/api/"
    assert defaults["wss_url"] == f"wss://stream.{label}.com:9443/ws"
    assert defaults["wss_api_url"] == f"wss://ws-api.{label}.com:443/ws-api/v3"
    assert checked(connector_name=name, rest_url=defaults["rest_url"], wss_url=defaults["wss_url"],
                   wss_api_url=defaults["wss_api_url"])[1] == []


@pytest.mark.parametrize("name", ["{{ 7 * 7 }}", "Ácme/../x", "", "_" * 80, "a" * 100, "-", "my exchange"])
def test_a_refused_name_still_gives_valid_default_urls(name):
    """The name is the one refusal: the URLs derived from it are valid whatever it is, and hold no template syntax."""
    defaults = rules.rendered_defaults(name)
    for url in ("rest_url", "wss_url", "wss_api_url"):
        assert rules.CHECKS[url](defaults[url])[1] is None, defaults[url]
    assert [error.split()[0] for error in checked(connector_name=name, rest_url=defaults["rest_url"])[1]
            ][:1] == ["connector_name"]


def test_before_rendering_a_url_may_hold_only_the_templates_own_expression():
    answers = dict(TEMPLATE_DEFAULTS)
    assert rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=False)[1] == []
    answers["rest_url"] = TEMPLATE_DEFAULTS["rest_url"].replace("host_label", "upper")
    assert rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=False)[1] == [
        f"rest_url {answers['rest_url']!r} is refused: answers are data, and {{{{, {{% or {{# would run as a template; "
        f"remove it"]
    # Rendered, the template's own expression would land in the code as text: refused like any other bad URL.
    assert checked(rest_url=TEMPLATE_DEFAULTS["rest_url"])[1][0].startswith("rest_url ")


def test_choices_are_kept_as_options_until_cookiecutter_prompts():
    every_stream_reordered = ["rest_token", "signed_subscribe", "ws_login", "ws_api", "listen_key"]
    assert rules.check_answers({"user_stream": every_stream_reordered}, TEMPLATE_DEFAULTS, rendered=False)[1] == []
    assert rules.check_answers({"user_stream": ["ws_api", "other"]}, TEMPLATE_DEFAULTS, rendered=False)[1] == [
        "user_stream ['ws_api', 'other'] is invalid: the choices are listen_key, ws_api, ws_login, signed_subscribe, "
        "rest_token"]


def test_the_derived_values_follow_the_name_and_credentials():
    assert rules.class_prefix("gate_io") == "GateIo" and rules.display_name("gate_io") == "Gate Io"
    assert rules.api_credentials("") == "api_key,api_secret"
    assert rules.api_credentials(" passphrase , memo") == "api_key,api_secret,passphrase,memo"
    assert rules.api_credentials("", "hmac_sha256_query", "secret_key") == "api_key,secret_key"


@pytest.mark.parametrize("extra_api_keys", ["", "memo", "passphrase", "memo,passphrase"])
def test_the_base64_headers_scheme_implies_one_passphrase(extra_api_keys):
    credentials = rules.api_credentials(extra_api_keys, "hmac_sha256_base64_headers", "api_secret").split(",")
    assert credentials[:3] == ["api_key", "api_secret", "passphrase"]
    assert credentials.count("passphrase") == 1
    assert sorted(credentials[3:]) == sorted(set(rules.split_credentials(extra_api_keys)) - {"passphrase"})


@pytest.mark.parametrize("scheme", [scheme for scheme in rules.AUTH_SCHEME_CHOICES
                                    if scheme != "hmac_sha256_base64_headers"])
def test_the_other_schemes_imply_no_credential(scheme):
    assert rules.extra_credentials("memo", scheme) == ["memo"]


def test_new_choices_are_kept_as_options_until_cookiecutter_prompts():
    answers = {"auth_scheme": list(reversed(rules.AUTH_SCHEME_CHOICES)),
               "api_secret_field": ["secret_key", "api_secret"], "ws_ping": list(reversed(rules.WS_PING_CHOICES))}
    assert rules.check_answers(answers, TEMPLATE_DEFAULTS, rendered=False)[1] == []
    assert rules.check_answers({"auth_scheme": ["ed25519", "jwt"]}, TEMPLATE_DEFAULTS, rendered=False)[1] == [
        "auth_scheme ['ed25519', 'jwt'] is invalid: the choices are " + ", ".join(rules.AUTH_SCHEME_CHOICES)]


@pytest.mark.parametrize("url, domain, expected", [
    ("https://api.acme.com/api/", "com", "https://api.acme.{}/api/"),  # Binance's shape: the domain fills {}
    ("wss://stream.acme.com:9443/ws", "com", "wss://stream.acme.{}:9443/ws"),
    ("https://api.acme.co.uk/", "co.uk", "https://api.acme.{}/"),
    ("https://api.acme.io/api/", "com", "https://api.acme.io/api/"),  # not the domain: one URL for every domain
    ("https://api.acmecom/api/", "com", "https://api.acmecom/api/"),  # a host label, not the end of one
    ("https://com.acme.io/api/", "com", "https://com.acme.io/api/"),
])
def test_the_base_urls_take_the_domain_where_the_host_ends_in_it(url, domain, expected):
    assert rules.domain_url(url, domain) == expected
    assert rules.domain_url(url, domain).format(domain) == url


def test_reserved_names_cover_every_name_the_renders_use():
    """An extra credential becomes an argument and a `self.` attribute: it must not take a name already in use."""
    missing = sorted(names_the_renders_use() - reserved_names_listed())
    assert missing == [], f"refresh spot_connector/reserved_names.txt (tests/reserved_names.py --write): {missing}"


@pytest.mark.parametrize("name", ["passphrase", "memo", "uid", "account_id", "sub_account", "broker_key"])
def test_the_usual_extra_credentials_are_accepted(name):
    assert checked(extra_api_keys=name)[1] == []


# ---- the output folder, checked once per render by the Jinja guard ----
def output_answers(output_dir, **changes):
    return dict(rendered_defaults(**changes), _output_dir=str(output_dir))


def test_an_existing_project_folder_is_refused_whatever_the_flags(tmp_path):
    (tmp_path / "acme").mkdir()
    assert jinja_guard.output_folder_problems(output_answers(tmp_path)) == [
        f"{tmp_path / 'acme'} already exists; a render writes only into a folder it creates: move it away or run "
        f"cookiecutter from another folder (with hummingbot_root=<checkout> to render into a checkout)"]


def test_a_folder_left_by_a_stopped_render_is_named_as_such(tmp_path):
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / RENDER_IN_PROGRESS_MARKER).write_text("")
    [problem] = jinja_guard.output_folder_problems(output_answers(tmp_path))
    assert problem.startswith(f"{tmp_path / 'acme'} was left by a render that was stopped")


def test_an_output_folder_too_deep_for_the_connector_paths_is_refused(tmp_path):
    deep = tmp_path.joinpath(*["d" * 200] * 20)
    [problem] = jinja_guard.output_folder_problems(output_answers(deep))
    assert problem.startswith(f"the output folder {deep} is too deep")


def test_an_output_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("")
    assert jinja_guard.output_folder_problems(output_answers(tmp_path / "file" / "out")) == [
        f"the output folder {tmp_path / 'file' / 'out'} cannot be made: {tmp_path / 'file'} is not a folder"]


def test_an_unwritable_output_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(jinja_guard.os, "access", lambda path, mode: False)  # the tests run as root here
    assert jinja_guard.output_folder_problems(output_answers(tmp_path)) == [
        f"the output folder {tmp_path} cannot be written: {tmp_path} is not writable for you"]


def test_a_render_inside_a_checkout_must_start_at_its_root(tmp_path):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    inside = root / "hummingbot" / "connector"
    assert jinja_guard.output_folder_problems(output_answers(inside)) == [
        f"{inside} is inside the hummingbot checkout {root}: run cookiecutter from {root} or answer "
        f"hummingbot_root={root}"]
    assert jinja_guard.output_folder_problems(output_answers(root)) == []


def test_an_output_folder_name_over_the_file_system_limit_is_refused(tmp_path):
    too_long = tmp_path / ("n" * 300) / "out"
    assert jinja_guard.output_folder_problems(output_answers(too_long)) == [
        f"the output folder {too_long} cannot be used: File name too long"]
