"""
Rendering straight into a hummingbot checkout: the spec's paths, discovered by hummingbot, nothing clobbered.

The checkout is the pinned hummingbot package laid out as a source tree (see checkout.py), not a mock folder.
"""
import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from checkout import make_hummingbot_checkout, tree_digest
from rendering import (
    VENV_BIN,
    clean_template,
    connector_paths,
    render,
    run_in_workspace,
    workspace_env,
)

from spot_connector.facts import ANSWERS_FILE, connector_folders
from spot_connector.jinja_guard import AnswersRefused

NAME = "acme_checkout"
CONNECTOR_FOLDERS = tuple(connector_folders(NAME))


def _changes(before: dict, after: dict) -> dict:
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "modified": sorted(path for path in set(before) & set(after) if before[path] != after[path]),
    }


@pytest.fixture(scope="module")
def rendered_checkout(tmp_path_factory):
    """A checkout with the connector rendered into it, plus what the render changed there."""
    base = tmp_path_factory.mktemp("checkout")
    root = make_hummingbot_checkout(base / "hummingbot")
    before = tree_digest(root)
    render(base / "out", connector_name=NAME, hummingbot_root=str(root), extra_api_keys="passphrase")
    return root, base / "out", _changes(before, tree_digest(root))


def test_connector_and_tests_land_at_the_spec_paths(rendered_checkout):
    root, _, _ = rendered_checkout
    missing = [path for path in connector_paths(NAME) if not (root / path).is_file()]
    assert missing == []


def test_nothing_else_in_the_checkout_changes(rendered_checkout):
    _, _, changes = rendered_checkout
    assert changes["removed"] == [] and changes["modified"] == []
    outside = [path for path in changes["added"] if not path.startswith(CONNECTOR_FOLDERS)]
    assert outside == []


def test_no_workspace_is_left_in_the_output_folder(rendered_checkout):
    _, output_dir, _ = rendered_checkout
    assert list(output_dir.iterdir()) == [] if output_dir.exists() else True


def test_answers_travel_with_the_connector(rendered_checkout):
    root, _, _ = rendered_checkout
    state = json.loads((root / CONNECTOR_FOLDERS[0] / ANSWERS_FILE).read_text())
    assert state["context"]["cookiecutter"]["connector_name"] == NAME
    assert state["context"]["cookiecutter"]["extra_api_keys"] == "passphrase"


def test_hummingbot_discovers_the_connector_and_its_keys(rendered_checkout):
    root, _, _ = rendered_checkout
    script = textwrap.dedent(f"""
        import json
        from hummingbot.client.settings import AllConnectorSettings
        setting = AllConnectorSettings.create_connector_settings()["{NAME}"]
        keys = type(setting.config_keys).model_fields
        print(json.dumps({{
            "class_name": setting.class_name(),
            "module": setting.module_path(),
            "connect_keys": [name for name, field in keys.items()
                             if (field.json_schema_extra or {{}}).get("is_connect_key")],
            "prompts": [field.json_schema_extra["prompt"](setting.config_keys) for name, field in keys.items()
                        if (field.json_schema_extra or {{}}).get("is_connect_key")],
        }}))
    """)
    result = run_in_workspace(root, "-c", script)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["class_name"] == "AcmeCheckoutExchange"
    assert found["module"] == f"hummingbot.connector.exchange.{NAME}.{NAME}_exchange"
    assert found["connect_keys"] == [f"{NAME}_api_key", f"{NAME}_api_secret", f"{NAME}_passphrase"]
    assert all(prompt.startswith("Enter your Acme Checkout") for prompt in found["prompts"])


def test_rendered_tests_pass_from_the_checkout_root(rendered_checkout):
    root, _, _ = rendered_checkout
    result = run_in_workspace(root, "-m", "pytest", "-q", "-p", "no:warnings", "-p", "no:cacheprovider",
                              "--timeout", "120", CONNECTOR_FOLDERS[1])
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_a_second_render_is_refused_and_changes_nothing(rendered_checkout, tmp_path):
    root, _, _ = rendered_checkout
    before = tree_digest(root)
    with pytest.raises(AnswersRefused):
        render(tmp_path / "out", connector_name=NAME, hummingbot_root=str(root))
    assert tree_digest(root) == before
    assert not (tmp_path / "out" / NAME).exists()


def test_replacing_an_existing_connector_needs_the_explicit_opt_in(tmp_path):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    render(tmp_path / "first", connector_name=NAME, hummingbot_root=str(root))
    (root / CONNECTOR_FOLDERS[0] / "notes.txt").write_text("the author's own file")

    render(tmp_path / "second", connector_name=NAME, hummingbot_root=str(root), _replace_existing=True,
           maker_fee="0.002")

    assert not (root / CONNECTOR_FOLDERS[0] / "notes.txt").exists()
    assert 'Decimal("0.002")' in (root / CONNECTOR_FOLDERS[0] / f"{NAME}_utils.py").read_text()


def test_a_path_that_is_not_a_checkout_is_refused(tmp_path):
    not_a_checkout = tmp_path / "somewhere"
    (not_a_checkout / "hummingbot").mkdir(parents=True)
    before = tree_digest(not_a_checkout)
    with pytest.raises(AnswersRefused):
        render(tmp_path / "out", connector_name=NAME, hummingbot_root=str(not_a_checkout))
    assert tree_digest(not_a_checkout) == before
    assert tree_digest(tmp_path / "out") == {}


def test_running_from_a_checkout_root_renders_into_that_checkout(tmp_path):
    """The obvious case: cookiecutter started in a checkout's root with no hummingbot_root answer."""
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    before = tree_digest(root)
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(tmp_path / 'replay'))}\n")
    result = subprocess.run([str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config),
                             str(clean_template()), f"connector_name={NAME}"],
                            cwd=root, env=workspace_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not (root / NAME).exists()
    changes = _changes(before, tree_digest(root))
    assert changes["removed"] == [] and changes["modified"] == []
    assert sorted({path.split(f"/{NAME}/")[0] + f"/{NAME}" for path in changes["added"]}) == sorted(CONNECTOR_FOLDERS)


def _with_legacy_conf_global(root: Path) -> Path:
    """A checkout of hummingbot before 1.6, which still registered API keys in conf_global_TEMPLATE.yml."""
    templates = root / "hummingbot" / "templates"
    if templates.is_symlink():
        installed = templates.resolve()
        templates.unlink()
        shutil.copytree(installed, templates)
    legacy = templates / "conf_global_TEMPLATE.yml"
    legacy.write_text("template_version: 17\nkill_switch_enabled: null\n")
    return legacy


def test_legacy_conf_global_template_gets_the_keys(tmp_path):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    legacy = _with_legacy_conf_global(root)

    render(tmp_path / "out", connector_name=NAME, hummingbot_root=str(root), extra_api_keys="passphrase")

    assert legacy.read_text() == (f"template_version: 18\nkill_switch_enabled: null\n{NAME}_api_key: null\n"
                                  f"{NAME}_api_secret: null\n{NAME}_passphrase: null\n")


def test_concurrent_renders_into_one_checkout_each_keep_their_keys(tmp_path):
    """Two users (or two terminals) render different connectors into one checkout at the same moment."""
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    legacy = _with_legacy_conf_global(root)
    names = [f"acme_concurrent_{number}" for number in range(4)]
    processes = []
    for name in names:
        config = tmp_path / f"{name}.yaml"
        config.write_text(f"replay_dir: {json.dumps(str(tmp_path / name / 'replay'))}\n")
        processes.append(subprocess.Popen(
            [str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config), "--output-dir",
             str(tmp_path / name), str(clean_template()), f"connector_name={name}", f"hummingbot_root={root}"],
            env=workspace_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outcomes = [(process.wait(timeout=300), process.stderr.read()) for process in processes]

    assert [code for code, _ in outcomes] == [0] * len(names), outcomes
    registered = legacy.read_text()
    assert registered.startswith(f"template_version: {17 + len(names)}\n")
    for name in names:
        assert f"{name}_api_key: null\n{name}_api_secret: null\n" in registered
        assert all((root / folder / "__init__.py").is_file() for folder in connector_folders(name))
