"""
Hostile answers through the real command lines: cookiecutter (arguments, replay files, typed at the prompts), cruft
and the update tool.

Every run is a separate process with its own empty temporary folder (TMPDIR: cookiecutter writes its hook scripts
there), its own cookiecutter config (replay files stay in the test's folder) and a payload that would create a
sentinel file if any answer were evaluated as a template. A refusal must exit non-zero with one `spot-connector:` line
per refused answer naming it and no traceback, run nothing, and leave every folder it could touch byte for byte as it
was, the temporary folder empty.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from checkout import make_hummingbot_checkout, tree_digest
from rendering import TEMPLATE_ROOT, VENV_BIN, clean_template, workspace_env

from spot_connector import facts
from spot_connector.answers import DERIVED

NAME = "acme"
TEMPLATE_DEFAULTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
# The prompts in the order cookiecutter asks them (private `_` and derived `__` entries are not asked).
PROMPT_ORDER = [key for key in TEMPLATE_DEFAULTS if not key.startswith("_")]
CONSTANTS = f"hummingbot/connector/exchange/{NAME}/{NAME}_constants.py"
UPDATE_TOOL = TEMPLATE_ROOT / "tools" / "update_connector.py"
TIMEOUT = 300  # seconds: a bound on a hung process, never an assertion about speed


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


class Sandbox:
    """One test's private world: a temporary folder, a cookiecutter config and replay folder, a sentinel path."""

    def __init__(self, base: Path):
        self.base = base
        self.tmpdir = base / "private-tmp"
        self.tmpdir.mkdir()
        self.replay_dir = base / "replay"
        self.config = base / "cookiecutter-config.yaml"
        self.config.write_text(f"cookiecutters_dir: {json.dumps(str(base / 'cookiecutters'))}\n"
                               f"replay_dir: {json.dumps(str(self.replay_dir))}\n")
        self.sentinel = base / "SENTINEL"

    @property
    def payload(self) -> str:
        return '{{ cycler.__init__.__globals__.os.system("touch %s") }}' % self.sentinel

    @property
    def statement_payload(self) -> str:
        return '{%% set x = cycler.__init__.__globals__.os.system("touch %s") %%}' % self.sentinel

    def env(self, **changes: str) -> Dict[str, str]:
        env = workspace_env()
        env["TMPDIR"] = str(self.tmpdir)
        env.update(changes)
        return env

    def run(self, args: List[str], cwd: Path, stdin: Optional[str] = None, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=cwd, env=self.env(**env), input=stdin, capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=None if stdin is not None else subprocess.DEVNULL)

    def cookiecutter(self, *answers: str, options: List[str] = (), cwd: Optional[Path] = None,
                     template: Optional[str] = None, output_dir: Optional[Path] = None, no_input: bool = True,
                     stdin: Optional[str] = None, **env: str) -> subprocess.CompletedProcess:
        """cookiecutter [options] <template> key=value...; run from `cwd` (default: the test's folder)."""
        command = [str(VENV_BIN / "cookiecutter"), "--config-file", str(self.config), *options]
        command += ["--no-input"] if no_input else []
        command += ["--output-dir", str(output_dir)] if output_dir is not None else []
        command += [template or str(clean_template()), *answers]
        return self.run(command, cwd=cwd or self.base, stdin=stdin, **env)

    def assert_nothing_ran(self) -> None:
        assert not self.sentinel.exists(), "an answer was evaluated as a template"
        assert sorted(self.tmpdir.iterdir()) == [], "left in the temporary folder"


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path)


def our_lines(result: subprocess.CompletedProcess) -> List[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("spot-connector: ")]


def assert_refused(result: subprocess.CompletedProcess, sandbox: Sandbox, *prompts: str) -> None:
    """Non-zero, one line per refused answer naming it (and lines for what derives from it), nothing else."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = our_lines(result)
    assert [line for line in result.stderr.splitlines() if line.strip()] == lines, result.stderr
    named = [line.split()[1] for line in lines]
    for prompt in prompts:
        assert named.count(prompt) == 1, result.stderr
    derived = {key for key, (sources, _) in DERIVED.items() if set(dict(sources)) & set(prompts)}
    assert set(named) <= set(prompts) | derived, result.stderr
    sandbox.assert_nothing_ran()


def assert_refused_in_one_line(result: subprocess.CompletedProcess, sandbox: Sandbox, *words: str) -> str:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("spot-connector: "), result.stderr
    for word in words:
        assert word in lines[0], result.stderr
    sandbox.assert_nothing_ran()
    return lines[0]


def empty_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def render_ok(sandbox: Sandbox, output_dir: Path, *answers: str, **kwargs) -> subprocess.CompletedProcess:
    result = sandbox.cookiecutter(*answers, output_dir=output_dir, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    sandbox.assert_nothing_ran()
    return result


# ---- 1. answers that would run as code ----
# Text prompts: cookiecutter itself converts a yes/no or choice answer given as an argument, before any check.
PAYLOAD_PROMPTS = ["connector_name", "rest_url", "maker_fee", "order_book_depth", "extra_api_keys", "hummingbot_root",
                   "default_domain", "client_order_id_prefix", "broker_header_name", "broker_header_value",
                   "testnet_domain", "testnet_rest_url", "testnet_wss_url", "testnet_wss_api_url"]


@pytest.mark.parametrize("prompt", PAYLOAD_PROMPTS)
def test_a_payload_given_on_the_command_line_is_refused_unevaluated(sandbox, prompt):
    output_dir = empty_folder(sandbox.base / "out")
    result = sandbox.cookiecutter(f"{prompt}={sandbox.payload}", output_dir=output_dir)
    assert_refused(result, sandbox, prompt)
    assert tree_digest(output_dir) == {}
    assert not sandbox.replay_dir.exists()


def test_payloads_in_several_answers_get_a_line_each(sandbox):
    output_dir = empty_folder(sandbox.base / "out")
    result = sandbox.cookiecutter(f"wss_url={sandbox.payload}", f"taker_fee={sandbox.statement_payload}",
                                  "example_trading_pair={# comment #}", output_dir=output_dir)
    assert_refused(result, sandbox, "wss_url", "example_trading_pair", "taker_fee")
    assert tree_digest(output_dir) == {}


@pytest.fixture
def good_replay(sandbox) -> dict:
    """The replay file of a render with good answers, as cookiecutter wrote it."""
    render_ok(sandbox, empty_folder(sandbox.base / "first"))
    replay_files = sorted(sandbox.replay_dir.glob("*.json"))
    assert len(replay_files) == 1
    state = json.loads(replay_files[0].read_text())
    shutil.rmtree(sandbox.replay_dir)
    return state


def replay(sandbox: Sandbox, state: dict, output_dir: Path) -> subprocess.CompletedProcess:
    replay_file = sandbox.base / "edited" / "spot-connector.json"
    replay_file.parent.mkdir(exist_ok=True)
    replay_file.write_text(json.dumps(state))
    return sandbox.cookiecutter(options=["--replay-file", str(replay_file)], output_dir=output_dir, no_input=False)


@pytest.mark.parametrize("prompts", [["connector_name"], ["maker_fee", "rest_url"], ["hummingbot_root"],
                                     ["extra_api_keys", "_replace_existing"]], ids="+".join)
def test_a_payload_in_a_replay_file_is_refused_unevaluated(sandbox, good_replay, prompts):
    for prompt in prompts:
        good_replay["cookiecutter"][prompt] = sandbox.payload
    output_dir = empty_folder(sandbox.base / "out")
    result = replay(sandbox, good_replay, output_dir)
    assert_refused(result, sandbox, *prompts)
    assert tree_digest(output_dir) == {}


def typed_answers(**typed: str) -> str:
    """What a user types at the prompts: the given answers, Enter (the default) for every other prompt."""
    return "".join(typed.get(prompt, "") + "\n" for prompt in PROMPT_ORDER)


@pytest.mark.parametrize("prompt", ["connector_name", "maker_fee", "extra_api_keys"])
def test_a_payload_typed_at_the_prompt_is_refused_unevaluated(sandbox, prompt):
    output_dir = empty_folder(sandbox.base / "out")
    result = sandbox.cookiecutter(output_dir=output_dir, no_input=False,
                                  stdin=typed_answers(**{prompt: sandbox.payload}))
    assert_refused(result, sandbox, prompt)
    assert tree_digest(output_dir) == {}


def test_typed_good_answers_render(sandbox):
    """The piped prompts above are read as intended: typed answers land in the render."""
    output_dir = empty_folder(sandbox.base / "out")
    render_ok(sandbox, output_dir, no_input=False, stdin=typed_answers(connector_name="typed_ex", maker_fee="0.002"))
    assert 'Decimal("0.002")' in (output_dir / "typed_ex/hummingbot/connector/exchange/typed_ex/typed_ex_utils.py"
                                  ).read_text()


def test_a_refused_password_typed_at_the_prompt_is_not_kept_in_a_replay_file(sandbox):
    output_dir = empty_folder(sandbox.base / "out")
    result = sandbox.cookiecutter(output_dir=output_dir, no_input=False,
                                  stdin=typed_answers(rest_url="https://user:hunter2@api.acme.com/api/"))
    assert_refused(result, sandbox, "rest_url")
    assert tree_digest(output_dir) == {}
    assert not any("hunter2" in path.read_text() for path in sandbox.replay_dir.rglob("*") if path.is_file())


# cruft: a standalone workspace generated from a git repository of the template, which then moves on by one commit.
@pytest.fixture(scope="module")
def cruft_world(tmp_path_factory):
    base = tmp_path_factory.mktemp("cruft")
    repo = base / "template"
    shutil.copytree(clean_template(), repo)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "template v1")
    result = subprocess.run([str(VENV_BIN / "cruft"), "create", "--no-input", "--output-dir", str(base / "out"),
                             str(repo)], env=workspace_env(), capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    workspace = base / "out" / NAME
    git(workspace, "init", "--quiet", "--initial-branch=main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "--quiet", "-m", "generated")
    placeholder = "{{cookiecutter.connector_name}}"
    template_constants = repo / placeholder / CONSTANTS.replace(NAME, placeholder)
    template_constants.write_text(template_constants.read_text() + "\nTEMPLATE_V2 = True\n")
    git(repo, "commit", "--quiet", "-am", "template v2")
    return workspace


def tampered_workspace(cruft_world: Path, folder: Path, changes: dict) -> Path:
    """A clean git workspace whose committed .cruft.json carries `changes`."""
    workspace = folder / NAME
    shutil.copytree(cruft_world, workspace, symlinks=True)
    state = json.loads((workspace / ".cruft.json").read_text())
    state["context"]["cookiecutter"].update(changes)
    (workspace / ".cruft.json").write_text(json.dumps(state, indent=2) + "\n")
    git(workspace, "commit", "--quiet", "-am", "answers edited by hand")
    return workspace


CRUFT_COMMANDS = {
    "update": ["update", "--skip-apply-ask", "--allow-untracked-files"],
    "diff": ["diff"],
}


@pytest.mark.parametrize("command", sorted(CRUFT_COMMANDS))
@pytest.mark.parametrize("prompts", [["maker_fee", "example_trading_pair"], ["connector_name"]], ids="+".join)
def test_a_payload_in_a_tampered_cruft_json_is_refused_by_cruft(sandbox, cruft_world, command, prompts):
    workspace = tampered_workspace(cruft_world, sandbox.base, {prompt: sandbox.payload for prompt in prompts})
    before = tree_digest(workspace)

    result = sandbox.run([str(VENV_BIN / "cruft"), *CRUFT_COMMANDS[command]], cwd=workspace)

    assert_refused(result, sandbox, *prompts)
    assert tree_digest(workspace) == before
    assert git(workspace, "status", "--porcelain") == ""


@pytest.fixture
def checkout_with_connector(sandbox, cruft_world) -> Path:
    """A checkout holding a connector rendered from the git template (its answers file names that template)."""
    template = cruft_world.parent.parent / "template"
    root = make_hummingbot_checkout(sandbox.base / "hummingbot")
    render_ok(sandbox, empty_folder(sandbox.base / "render"), f"connector_name={NAME}", f"hummingbot_root={root}",
              template=str(template))
    return root


def connector_answers_file(root: Path) -> Path:
    return facts.state_folder(root, NAME) / facts.STATE_ANSWERS_FILE


def tamper_connector_answers(root: Path, answers: dict, state: Optional[dict] = None) -> None:
    recorded = json.loads(connector_answers_file(root).read_text())
    recorded["answers"].update(answers)
    recorded.update(state or {})
    connector_answers_file(root).write_text(json.dumps(recorded, indent=2) + "\n")


def update_tool(sandbox: Sandbox, root: Path) -> subprocess.CompletedProcess:
    return sandbox.run([sys.executable, str(UPDATE_TOOL), str(root), NAME], cwd=sandbox.base)


@pytest.mark.parametrize("where", ["taker_fee", "connector_name", "template"])
def test_a_payload_in_a_checkouts_answers_file_is_refused_by_the_update_tool(sandbox, checkout_with_connector, where):
    root = checkout_with_connector
    if where == "template":
        tamper_connector_answers(root, {}, {"template": sandbox.payload})
    else:
        tamper_connector_answers(root, {where: sandbox.payload})
    before, state = tree_digest(root), tree_digest(facts.state_folder(root, NAME))

    result = update_tool(sandbox, root)

    assert result.returncode == 2, result.stdout + result.stderr
    line = assert_refused_in_one_line(result, sandbox, f": {where} ", "nothing was changed")
    assert line.startswith(f"spot-connector: {connector_answers_file(root)}: "), line
    assert tree_digest(root) == before and tree_digest(facts.state_folder(root, NAME)) == state


def test_a_derived_value_set_in_a_checkouts_answers_file_is_refused_by_the_update_tool(sandbox,
                                                                                       checkout_with_connector):
    """The template derives these values; one changed in the answers file is refused, as on every other path."""
    root = checkout_with_connector
    tamper_connector_answers(root, {"__class_prefix": "Evil"})
    before = tree_digest(root)

    result = update_tool(sandbox, root)

    assert result.returncode == 2, result.stdout + result.stderr
    line = assert_refused_in_one_line(result, sandbox, "__class_prefix 'Evil' is refused", "nothing was changed")
    assert line.startswith(f"spot-connector: {connector_answers_file(root)}: "), line
    assert tree_digest(root) == before


# A replay file can name the extensions cookiecutter loads: emptied, the Jinja guard is not loaded and only the
# pre-gen hook stands between the answers and the files.
def test_a_replay_file_that_drops_the_guard_is_refused_in_one_line(sandbox, good_replay):
    good_replay["cookiecutter"]["_extensions"] = []
    good_replay["cookiecutter"]["maker_fee"] = sandbox.payload
    output_dir = empty_folder(sandbox.base / "out")
    result = replay(sandbox, good_replay, output_dir)
    assert_refused_in_one_line(result, sandbox, "_extensions")
    assert tree_digest(output_dir) == {}


def test_a_replay_file_that_drops_the_guard_leaves_no_folder(sandbox, good_replay):
    good_replay["cookiecutter"]["_extensions"] = []
    good_replay["cookiecutter"]["connector_name"] = "a/" + sandbox.payload
    output_dir = empty_folder(sandbox.base / "out")
    result = replay(sandbox, good_replay, output_dir)
    assert result.returncode != 0
    assert not sandbox.sentinel.exists()
    assert tree_digest(output_dir) == {}


# ---- 2. derived values set from outside ----
DERIVED_FROM_OUTSIDE = [("__class_prefix", "Evil"), ("__display_name", "Evil"),
                        ("__api_credentials", "api_key,api_secret,self")]


@pytest.mark.parametrize("key, value", DERIVED_FROM_OUTSIDE, ids=[key for key, _ in DERIVED_FROM_OUTSIDE])
def test_a_derived_value_on_the_command_line_is_refused(sandbox, key, value):
    output_dir = empty_folder(sandbox.base / "out")
    result = sandbox.cookiecutter(f"{key}={value}", output_dir=output_dir)
    assert_refused(result, sandbox, key)
    assert tree_digest(output_dir) == {}


@pytest.mark.parametrize("key, value", DERIVED_FROM_OUTSIDE, ids=[key for key, _ in DERIVED_FROM_OUTSIDE])
def test_a_derived_value_in_a_replay_file_is_refused(sandbox, good_replay, key, value):
    good_replay["cookiecutter"][key] = value
    output_dir = empty_folder(sandbox.base / "out")
    result = replay(sandbox, good_replay, output_dir)
    assert_refused(result, sandbox, key)
    assert tree_digest(output_dir) == {}


# ---- 3. accepted answers are normalised; colliding names and unsafe URLs are refused ----
@pytest.mark.parametrize("answers, expected", [
    ({"order_book_depth": "0100", "rest_url": "https://api.acme.com/api", "ws_heartbeat_interval": "007"},
     ["ORDER_BOOK_DEPTH = 100\n", 'REST_URL = "https://api.acme.{}/api/"',
      "WS_HEARTBEAT_TIME_INTERVAL = 7\n"]),
    ({"rest_url": "https://api.acme.com/api/v3/", "wss_url": "wss://stream.acme.com:9443//ws"},
     ['REST_URL = "https://api.acme.{}/api/"', 'WSS_URL = "wss://stream.acme.{}:9443/ws"']),
    ({"testnet_domain": "testnet", "testnet_rest_url": "https://API-testnet.acme.com//api/v3",
      "testnet_wss_url": "wss://stream-testnet.acme.com//ws", "client_order_id_prefix": "HBOT-",
      "broker_header_name": "X-Broker-Id", "broker_header_value": "hummingbot"},
     ['TESTNET_DOMAIN = "testnet"\n', 'TESTNET_REST_URL = "https://api-testnet.acme.com/api/"\n',
      'TESTNET_WSS_URL = "wss://stream-testnet.acme.com/ws"\n', 'HBOT_ORDER_ID_PREFIX = "HBOT-"\n',
      'BROKER_HEADER_NAME = "X-Broker-Id"\n', 'BROKER_HEADER_VALUE = "hummingbot"\n']),
], ids=["depth-and-url", "versioned-url", "optional-answers"])
def test_accepted_answers_are_normalised_in_the_render(sandbox, answers, expected):
    output_dir = empty_folder(sandbox.base / "out")
    render_ok(sandbox, output_dir, *[f"{key}={value}" for key, value in answers.items()])
    constants = (output_dir / NAME / CONSTANTS).read_text()
    for text in expected:
        assert text in constants
    compile(constants, CONSTANTS, "exec")
    recorded = json.loads((output_dir / NAME / ".cruft.json").read_text())["context"]["cookiecutter"]
    assert recorded["order_book_depth"] != "0100" and recorded["rest_url"] == "https://api.acme.com/api/"


def test_the_recorded_rest_url_is_the_rendered_one(sandbox):
    output_dir = empty_folder(sandbox.base / "out")
    render_ok(sandbox, output_dir, "rest_url=https://api.acme.com" + "/v3" * 6)
    recorded = json.loads((output_dir / NAME / ".cruft.json").read_text())["context"]["cookiecutter"]["rest_url"]
    assert f'REST_URL = "{recorded.replace(".com/", ".{}/", 1)}"' in (output_dir / NAME / CONSTANTS).read_text()


REFUSED_ANSWERS = [
    ("extra_api_keys", "secret_key"), ("extra_api_keys", "time_provider"), ("extra_api_keys", "self"),
    ("extra_api_keys", "print"),
    ("rest_url", "https://api.acme.com/api/?apiKey=hunter2"), ("rest_url", "https://api.acme.com/api/#hunter2"),
    ("rest_url", "https://user:hunter2@api.acme.com/api/"), ("wss_url", "wss://stream.acme.com/ws hunter2"),
    ("wss_api_url", "wss://ws-api.acme.com/ws\x07hunter2"), ("rest_url", "https://äpi.acme.com/hunter2/"),
    ("client_order_id_prefix", 'x"+__import__("os").system("hunter2")+"'),
    ("broker_header_name", "X-Broker: hunter2"),
    ("broker_header_value", 'x"+__import__("os").system("hunter2")+"'),
    ("broker_header_value", "hummingbot\r\nAuthorization: hunter2"),
    ("testnet_domain", 'x"+__import__("os").system("hunter2")+"'),
    ("testnet_rest_url", "https://user:hunter2@api-testnet.acme.com/api/"),
    ("testnet_wss_url", 'wss://stream-testnet.acme.com/ws"+hunter2+"'),
]


@pytest.mark.parametrize("prompt, value", REFUSED_ANSWERS, ids=[f"{p}={v!r}" for p, v in REFUSED_ANSWERS])
def test_colliding_names_and_unsafe_urls_are_refused_and_not_kept(sandbox, prompt, value):
    output_dir = empty_folder(sandbox.base / "out")
    result = sandbox.cookiecutter(f"{prompt}={value}", output_dir=output_dir)
    assert_refused(result, sandbox, prompt)
    assert tree_digest(output_dir) == {}
    kept = [path for path in sandbox.base.rglob("*")
            if path.is_file() and "hunter2" in path.read_text(errors="replace")]
    assert kept == []


# ---- 4. nothing the user has is lost ----
@pytest.fixture
def checkout(sandbox) -> Path:
    return make_hummingbot_checkout(sandbox.base / "hummingbot")


@pytest.mark.parametrize("name, user_file", [("scripts", "my_strategy.py"), ("my_exchange", "notes.txt")])
def test_overwrite_from_a_checkout_root_never_writes_into_a_users_folder(sandbox, checkout, name, user_file):
    (checkout / name).mkdir()
    (checkout / name / user_file).write_text("# the user's own work\n")
    before = tree_digest(checkout)
    result = sandbox.cookiecutter(f"connector_name={name}", options=["-f"], cwd=checkout)
    assert_refused_in_one_line(result, sandbox, str(checkout / name))
    assert tree_digest(checkout) == before


@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "-f"])
@pytest.mark.parametrize("name", ["hummingbot", "test"])
def test_a_connector_named_like_a_checkout_folder_is_refused(sandbox, checkout, name, overwrite):
    before = tree_digest(checkout)
    result = sandbox.cookiecutter(f"connector_name={name}", options=["-f"] if overwrite else [], cwd=checkout)
    assert_refused_in_one_line(result, sandbox, str(checkout / name))
    assert tree_digest(checkout) == before


def test_a_standalone_rerender_with_overwrite_is_refused(sandbox):
    output_dir = empty_folder(sandbox.base / "out")
    render_ok(sandbox, output_dir)
    constants = output_dir / NAME / CONSTANTS
    constants.write_text(constants.read_text() + "\nMY_EDIT = 1\n")
    (output_dir / NAME / "my_notes.md").write_text("mine\n")
    before = tree_digest(output_dir)

    result = sandbox.cookiecutter("maker_fee=0.002", options=["-f"], output_dir=output_dir)

    assert_refused_in_one_line(result, sandbox, str(output_dir / NAME))
    assert tree_digest(output_dir) == before


# ---- 5. paths ----
def test_a_relative_template_path_is_recorded_absolute(sandbox):
    template = sandbox.base / "spot-connector"
    shutil.copytree(clean_template(), template)
    output_dir = empty_folder(sandbox.base / "out")
    # PWD as a script's subprocess inherits it: not the folder the template path is relative to.
    render_ok(sandbox, output_dir, template="spot-connector", PWD=str(TEMPLATE_ROOT))
    state = json.loads((output_dir / NAME / ".cruft.json").read_text())
    assert state["template"] == str(template)
    assert state["context"]["cookiecutter"]["_template"] == str(template)


def test_a_relative_hummingbot_root_resolves_from_the_callers_folder(sandbox):
    root = make_hummingbot_checkout(sandbox.base / "hb")
    caller = empty_folder(sandbox.base / "work")
    before = tree_digest(root)
    render_ok(sandbox, None, "hummingbot_root=../hb", cwd=caller)
    added = sorted(set(tree_digest(root)) - set(before))
    assert f"hummingbot/connector/exchange/{NAME}/{NAME}_exchange.py" in added
    assert f"test/hummingbot/connector/exchange/{NAME}/test_{NAME}_exchange.py" in added
    assert tree_digest(caller) == {}
    recorded = json.loads(connector_answers_file(root).read_text())
    assert "hummingbot_root" not in recorded["answers"]  # where it was rendered to is not an answer to keep


@pytest.mark.parametrize("subfolder", ["hummingbot/connector/exchange", "test"])
def test_running_from_inside_a_checkout_is_refused_naming_its_root(sandbox, checkout, subfolder):
    before = tree_digest(checkout)
    result = sandbox.cookiecutter(f"connector_name={NAME}", cwd=checkout / subfolder)
    assert_refused_in_one_line(result, sandbox, str(checkout))
    assert tree_digest(checkout) == before


def test_an_output_folder_below_a_regular_file_is_refused(sandbox):
    blocker = sandbox.base / "not-a-folder"
    blocker.write_text("a file\n")
    result = sandbox.cookiecutter(output_dir=blocker / "out")
    assert_refused_in_one_line(result, sandbox, str(blocker))
    assert blocker.read_text() == "a file\n"


# ---- 6. a refusal leaves nothing ----
@pytest.mark.parametrize("answer", ["connector_name=a/b", "connector_name=../escape", "maker_fee=2",
                                    "rest_url=https://user:hunter2@api.acme.com/api/"])
def test_a_refusal_leaves_no_folder_and_no_file(sandbox, answer):
    output_dir = empty_folder(sandbox.base / "out")
    before = tree_digest(sandbox.base)
    result = sandbox.cookiecutter(answer, output_dir=output_dir, cwd=output_dir)
    assert_refused(result, sandbox, answer.split("=")[0])
    assert tree_digest(sandbox.base) == before
    assert tree_digest(output_dir) == {}
    assert not (output_dir / "a").exists() and not (sandbox.base / "escape").exists()
