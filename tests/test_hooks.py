"""
The hooks as modules (their functions, unit-tested) and as cookiecutter runs them (bad answers refused, nothing
written).
"""
import importlib.util
import json
import subprocess
import time
from pathlib import Path

import pytest

from checkout import tree_digest

from spot_connector import answers as answer_rules
from spot_connector import regeneration
from rendering import TEMPLATE_ROOT, VENV_BIN, clean_template, workspace_env


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


post_gen = load_hook("post_gen_project")
DEFAULT_ANSWERS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())


def refusals(answers):
    return answer_rules.check_answers(answers, DEFAULT_ANSWERS, rendered=True)[1]


def default_answers(**changes):
    answers = {key: value for key, value in answer_rules.rendered_defaults().items() if not key.startswith("__")}
    answers.update(changes)
    return answers


def test_the_default_answers_are_valid():
    assert refusals(default_answers()) == []


@pytest.mark.parametrize("name", ["acme", "gate_io", "a1", "x" * 40, "crypto_com"])
def test_good_connector_names(name):
    assert answer_rules.check_connector_name(name)[1] is None


@pytest.mark.parametrize("name", ["Acme", "my-exchange", "1acme", "class", "match", "a/b", "..", "my exchange", "",
                                  "x" * 41, "a;rm -rf", "acme_", "a__b", "_acme", "ácme"])
def test_bad_connector_names(name):
    assert answer_rules.check_connector_name(name)[1].startswith(f"connector_name {name!r} is invalid")


@pytest.mark.parametrize("answer, value", [
    ("rest_url", "ftp://api.acme.com/"), ("rest_url", "not a url"), ("rest_url", "https://"),
    ("rest_url", 'https://api.acme.com/"+x'), ("wss_url", "https://stream.acme.com"), ("wss_api_url", "ws:/x"),
    ("maker_fee", "1"), ("maker_fee", "1.5"), ("taker_fee", "-0.1"), ("taker_fee", "abc"), ("maker_fee", "NaN"),
    ("order_book_depth", "99"), ("order_book_depth", "100.5"), ("order_book_depth", "-100"),
    ("ws_heartbeat_interval", "0"), ("rate_limit_orders_per_day", "ten"), ("user_stream", "login_message"),
    ("extra_api_keys", "Pass-Phrase"), ("extra_api_keys", "api_key"), ("extra_api_keys", "memo,memo"),
    ("time_synchronizer", "maybe"), ("example_trading_pair", "btc-usdt"), ("default_domain", "COM"),
])
def test_each_bad_answer_gets_one_line_naming_it(answer, value):
    errors = refusals(default_answers(**{answer: value}))
    assert len(errors) == 1
    assert errors[0].startswith(f"{answer} {value!r} is invalid: ")
    assert "\n" not in errors[0]


@pytest.mark.parametrize("answer, value", [
    ("rest_url", "http://127.0.0.1:8080/api/"), ("wss_url", "ws://localhost/ws"), ("maker_fee", "0"),
    ("taker_fee", "0.0025"), ("order_book_depth", "100"), ("extra_api_keys", "passphrase, memo"),
    ("extra_api_keys", ""), ("user_stream", "ws_api"),
])
def test_good_answers(answer, value):
    assert refusals(default_answers(**{answer: value})) == []


def test_hummingbot_root_must_be_a_checkout(tmp_path):
    assert answer_rules.check_hummingbot_root("")[1] is None
    assert answer_rules.check_hummingbot_root(str(tmp_path))[1].startswith("hummingbot_root")


# ---- as cookiecutter runs them ----
def run_cookiecutter(output_dir: Path, *answers: str) -> subprocess.CompletedProcess:
    config = output_dir.parent / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(output_dir.parent / 'replay'))}\n")
    return subprocess.run([str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config),
                           "--output-dir", str(output_dir), str(clean_template()), *answers],
                          env=workspace_env(), capture_output=True, text=True, timeout=120)


def settled_digest(folder: Path) -> dict:
    """The folder's content once a refused render's clean-up of a name like 'a/b' has run (it ends by itself)."""
    deadline = time.monotonic() + 5
    while tree_digest(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    return tree_digest(folder)


REFUSED = [
    ("uppercase", "connector_name=Acme", "connector_name 'Acme' is invalid"),
    ("hyphen", "connector_name=my-exchange", "connector_name 'my-exchange' is invalid"),
    ("leading digit", "connector_name=1acme", "connector_name '1acme' is invalid"),
    ("keyword", "connector_name=class", "connector_name 'class' is invalid"),
    ("path separators", "connector_name=a/b", "connector_name 'a/b' is invalid"),
    ("spaces", "connector_name=my exchange", "connector_name 'my exchange' is invalid"),
    ("too long", "connector_name=" + "x" * 41, "connector_name '" + "x" * 41 + "' is invalid"),
    ("shell metacharacters", "connector_name=a;rm -rf", "connector_name 'a;rm -rf' is invalid"),
    ("bad url", "rest_url=ftp://api.acme.com/", "rest_url 'ftp://api.acme.com/' is invalid"),
    ("not a url", "wss_url=not a url", "wss_url 'not a url' is invalid"),
    ("depth below 100", "order_book_depth=50", "order_book_depth '50' is invalid"),
    ("fee out of range", "maker_fee=1.5", "maker_fee '1.5' is invalid"),
    ("bad credential name", "extra_api_keys=Pass-Phrase", "extra_api_keys 'Pass-Phrase' is invalid"),
    ("not a checkout", "hummingbot_root=/", "hummingbot_root '/' is invalid"),
]


@pytest.mark.parametrize("kind, answer, message", REFUSED, ids=[kind for kind, _, _ in REFUSED])
def test_bad_answer_is_refused_with_nothing_written(tmp_path, kind, answer, message):
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    result = run_cookiecutter(output_dir, answer)

    assert result.returncode != 0
    our_lines = [line for line in result.stderr.splitlines() if line.startswith("spot-connector: ")]
    assert len(our_lines) == 1 and message in our_lines[0], result.stderr
    assert settled_digest(output_dir) == {}


@pytest.mark.parametrize("answer", ["connector_name=", "user_stream=login_message", "time_synchronizer=maybe"])
def test_answers_cookiecutter_itself_refuses_leave_nothing(tmp_path, answer):
    """Empty names, unknown choices and non-booleans stop cookiecutter before any hook: nothing is written either."""
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    result = run_cookiecutter(output_dir, answer)

    assert result.returncode != 0
    assert settled_digest(output_dir) == {}


def test_several_bad_answers_get_a_line_each(tmp_path):
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    result = run_cookiecutter(output_dir, "maker_fee=2", "order_book_depth=10")
    our_lines = [line for line in result.stderr.splitlines() if line.startswith("spot-connector: ")]
    assert [line.split()[1] for line in our_lines] == ["maker_fee", "order_book_depth"]


# ---- post-generation helpers ----
def test_todo_markers_are_listed_with_file_and_line(tmp_path):
    folder = tmp_path / "hummingbot/connector/exchange/acme"
    folder.mkdir(parents=True)
    (folder / "acme_constants.py").write_text("A = 1\n# TODO(acme): the real limits.\n")
    checklist = tmp_path / "CHECKLIST.md"
    checklist.write_text(f"# Checklist\n{post_gen.TODO_MARKERS_PLACEHOLDER}\n")

    post_gen.write_todo_markers(checklist, post_gen.find_todo_markers(tmp_path, "acme"))

    assert checklist.read_text() == (
        "# Checklist\n- [ ] `hummingbot/connector/exchange/acme/acme_constants.py:2`: the real limits.\n")


def test_answers_file_leaves_out_run_specific_entries():
    answers = dict(default_answers(), _output_dir="/tmp/x", _repo_dir="/tmp/y", _checkout=None, _template="/t")
    state = json.loads(post_gen.answers_file_content(answers, "/t", "abc"))
    assert state["commit"] == "abc" and state["template"] == "/t"
    assert not {"_output_dir", "_repo_dir", "_checkout"} & set(state["context"]["cookiecutter"])


def test_the_standalone_answers_file_names_a_template_cruft_can_clone(tmp_path):
    """cruft clones `template` again: an abbreviation expanded, a local folder absolute (the guard resolved it)."""
    location = regeneration.cruft_template_location
    assert location("gh:org/spot-connector", "/home/u/.cookiecutters/x") == "https://github.com/org/spot-connector.git"
    assert location("spot-connector", str(tmp_path / "spot-connector")) == str(tmp_path / "spot-connector")
    for url in ("git+file:///srv/spot-connector", "git+https://example.invalid/spot-connector.git",
                "git@example.invalid:org/spot-connector.git", "https://example.invalid/spot-connector.git"):
        assert location(url, str(tmp_path)) == url
