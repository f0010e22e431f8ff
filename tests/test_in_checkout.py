"""
Rendering straight into a hummingbot checkout: the spec's paths, discovered by hummingbot, nothing clobbered, nothing
but the two connector folders in `git status`, the regeneration state kept out of them, the next steps printed.

The checkout is the pinned hummingbot package laid out as a source tree and committed to git (see checkout.py), not a
mock folder.
"""
import json
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checkout import git, git_status, make_hummingbot_checkout, tree_digest
from rendering import (
    NOT_IN_A_CLONE,
    VENV_BIN,
    clean_template,
    connector_paths,
    render,
    run_in_workspace,
    workspace_env,
)

from spot_connector import facts, regeneration
from spot_connector.facts import connector_folders
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
    changes = _changes(before, tree_digest(root))
    changes["git status"] = git_status(root)  # before the tests below run anything in the checkout
    return root, base / "out", changes


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


def test_git_status_shows_the_two_connector_folders_and_nothing_else(rendered_checkout):
    _, _, changes = rendered_checkout
    assert changes["git status"] == [f"?? {folder}/" for folder in CONNECTOR_FOLDERS]


def test_the_connector_folders_hold_only_source_and_tests(rendered_checkout):
    """No document, answers file or template tooling: `git add` of the two folders is exactly the connector PR."""
    root, _, _ = rendered_checkout
    files = [path for folder in CONNECTOR_FOLDERS for path in (root / folder).rglob("*")
             if path.is_file() and "__pycache__" not in path.parts]
    assert files and [path for path in files if path.suffix not in (".py", ".pyx", ".pxd")] == []


def test_the_regeneration_state_is_kept_in_the_git_directory_without_paths(rendered_checkout):
    root, _, _ = rendered_checkout
    state_folder = facts.state_folder(root, NAME)
    assert state_folder == root / ".git" / "spot-connector" / NAME
    assert sorted(path.name for path in state_folder.iterdir()) == [facts.CHECKLIST_FILE, facts.STATE_ANSWERS_FILE]
    state = json.loads((state_folder / facts.STATE_ANSWERS_FILE).read_text())
    assert sorted(state) == ["answers", "commit", "hummingbot_version", "template", "version"]
    assert sorted(state["answers"]) == sorted(regeneration.RECORDED_ANSWERS)  # no hummingbot_root, no _ entries
    assert state["answers"]["connector_name"] == NAME and state["answers"]["extra_api_keys"] == "passphrase"
    assert state["hummingbot_version"] == (root / "hummingbot" / "VERSION").read_text().strip()
    assert str(root) not in json.dumps(state["answers"])
    assert f"`{CONNECTOR_FOLDERS[0]}/{NAME}_exchange.py:" in (state_folder / facts.CHECKLIST_FILE).read_text()


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


def test_connectors_rendered_with_default_answers_pass_together_in_one_session(tmp_path):
    """
    hummingbot's CI runs every connector's tests in one pytest session, and its shared exchange test base registers
    mocked URLs for the whole process: connectors rendered with the default answers must not share a host. The
    default URLs derive from the connector name, so they do not.
    """
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    names = ["alpha_ex", "beta_ex"]
    for name in names:
        render(tmp_path / name, connector_name=name, hummingbot_root=str(root))
    test_folders = [connector_folders(name)[1] for name in names]

    result = run_in_workspace(root, "-m", "pytest", "-v", "-p", "no:warnings", "-p", "no:cacheprovider",
                              "--timeout", "120", *test_folders)

    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    for name, folder in zip(names, test_folders):
        assert f"{folder}/test_{name}_exchange.py::" in result.stdout and " PASSED" in result.stdout


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
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "hummingbot before 1.6")
    return legacy


def test_legacy_conf_global_template_gets_the_keys(tmp_path):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    legacy = _with_legacy_conf_global(root)

    render(tmp_path / "out", connector_name=NAME, hummingbot_root=str(root), extra_api_keys="passphrase")

    assert legacy.read_text() == (f"template_version: 18\nkill_switch_enabled: null\n{NAME}_api_key: null\n"
                                  f"{NAME}_api_secret: null\n{NAME}_passphrase: null\n")
    assert git_status(root) == [f" M {facts.LEGACY_CONF_GLOBAL_TEMPLATE}",
                                *(f"?? {folder}/" for folder in CONNECTOR_FOLDERS)]


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


# ---- where the regeneration state goes in other checkouts ----
def test_in_a_linked_worktree_the_state_goes_to_the_repositorys_git_directory(tmp_path):
    """A worktree's `.git` is a file: its state goes where every worktree of the repository finds it."""
    main = make_hummingbot_checkout(tmp_path / "hummingbot")
    worktree = tmp_path / "hummingbot-feature"
    git(main, "worktree", "add", "--quiet", "-b", "feature", str(worktree))
    assert (worktree / ".git").is_file()

    render(tmp_path / "out", connector_name=NAME, hummingbot_root=str(worktree))

    assert git_status(worktree) == [f"?? {folder}/" for folder in CONNECTOR_FOLDERS]
    assert git_status(main) == []
    assert facts.state_folder(worktree, NAME) == main / ".git" / "spot-connector" / NAME
    assert (main / ".git" / "spot-connector" / NAME / facts.STATE_ANSWERS_FILE).is_file()


def test_in_a_checkout_without_git_the_state_goes_to_an_ignored_folder(tmp_path):
    """A source archive has no git directory: the state goes to `.spot-connector/`, which ignores itself."""
    root = make_hummingbot_checkout(tmp_path / "hummingbot", git_repository=False)

    render(tmp_path / "out", connector_name=NAME, hummingbot_root=str(root))

    state_folder = facts.state_folder(root, NAME)
    assert state_folder == root / ".spot-connector" / NAME
    assert (state_folder / facts.STATE_ANSWERS_FILE).is_file() and (state_folder / facts.CHECKLIST_FILE).is_file()
    git(root, "init", "--quiet")  # should the checkout become a repository, the state stays out of it
    assert not [line for line in git_status(root) if ".spot-connector" in line]


# ---- the next steps ----
@pytest.fixture
def template_beside_the_checkout(tmp_path) -> Path:
    """A clone of the template next to the checkout, as `git clone` leaves it."""
    template = tmp_path / "spot-connector"
    shutil.copytree(clean_template(), template, ignore=NOT_IN_A_CLONE)
    git(template, "init", "--quiet", "--initial-branch=main")
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "--message", "spot-connector")
    return template


def test_a_render_into_a_checkout_prints_the_next_steps_and_they_work(tmp_path, template_beside_the_checkout):
    """From the checkout's root, with the template named relatively: the next steps, followed, test and update it."""
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    (root / "compile").write_text("#!/bin/bash\npython setup.py build_ext --inplace\n")  # a source checkout's
    legacy = _with_legacy_conf_global(root)
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(tmp_path / 'replay'))}\n")

    result = subprocess.run([str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config),
                             "../spot-connector", f"connector_name={NAME}"],
                            cwd=root, env=dict(workspace_env(), PWD=str(root)), capture_output=True, text=True,
                            timeout=300)

    assert result.returncode == 0, result.stderr
    state_folder = root / ".git" / "spot-connector" / NAME
    update_tool = template_beside_the_checkout / "tools" / "update_connector.py"
    assert result.stdout == textwrap.dedent(f"""\
        Rendered {NAME} into the hummingbot checkout {root}:
          {CONNECTOR_FOLDERS[0]}/
          {CONNECTOR_FOLDERS[1]}/
          {legacy.relative_to(root)} (the connector's API key lines)
        Next steps:
          cd {root}
          ./compile
          python -m pytest {CONNECTOR_FOLDERS[1]}
        Checklist (kept out of git): {state_folder / facts.CHECKLIST_FILE}
        Update later: python {update_tool} {root} {NAME}
        """)
    assert json.loads((state_folder / facts.STATE_ANSWERS_FILE).read_text())["template"] == "../spot-connector"

    test_command = shlex.split(result.stdout.splitlines()[7])
    assert test_command[:3] == ["python", "-m", "pytest"]
    tests = run_in_workspace(root, *test_command[1:], "-q", "-p", "no:warnings", "-p", "no:cacheprovider")
    assert tests.returncode == 0 and " passed" in tests.stdout, tests.stdout[-3000:]

    update_command = shlex.split(result.stdout.splitlines()[-1].split(": ", 1)[1])
    update = subprocess.run([sys.executable, *update_command[1:]], cwd=tmp_path, env=workspace_env(),
                            capture_output=True, text=True, timeout=300)
    assert (update.returncode, update.stdout, update.stderr) == (0, "", "")


@pytest.mark.parametrize("inside_a_repository", [False, True], ids=["own history", "inside another repository"])
def test_a_standalone_render_prints_its_next_steps(tmp_path, inside_a_repository):
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(tmp_path / 'replay'))}\n")
    output = tmp_path / "out"
    output.mkdir()
    if inside_a_repository:
        git(output, "init", "--quiet")
    result = subprocess.run([str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config),
                             "--output-dir", str(output), str(clean_template()), f"connector_name={NAME}"],
                            env=workspace_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    workspace = output / NAME
    commit_first = "commit the workspace to git once (git init && git add -A && git commit -m generated), then " \
        if inside_a_repository else ""
    assert result.stdout == textwrap.dedent(f"""\
        Rendered the standalone workspace {workspace}{"." if inside_a_repository else " (its first git commit)."}
        Next steps:
          cd {workspace} && make test
        Checklist: {workspace / facts.CHECKLIST_FILE}
        Update later: {commit_first}run cruft update in it
        """)
    assert (workspace / facts.CHECKLIST_FILE).is_file() and (workspace / facts.ANSWERS_FILE).is_file()
    assert (workspace / ".git").is_dir() is not inside_a_repository


def test_a_state_folder_that_cannot_be_written_stops_the_render_before_the_checkout_changes(tmp_path):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    (root / ".git" / "spot-connector").write_text("in the way\n")  # a file where the state folder goes
    before = tree_digest(root)
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(tmp_path / 'replay'))}\n")

    result = subprocess.run([str(VENV_BIN / "cookiecutter"), "--no-input", "--config-file", str(config),
                             "--output-dir", str(tmp_path / "out"), str(clean_template()), f"connector_name={NAME}",
                             f"hummingbot_root={root}"],
                            env=workspace_env(), capture_output=True, text=True, timeout=300)

    assert result.returncode != 0
    assert (f"spot-connector: cannot keep {NAME}'s answers and checklist in {root}/.git/spot-connector/{NAME} "
            f"(Not a directory); nothing was changed") in result.stderr.splitlines()
    assert tree_digest(root) == before and git_status(root) == []
    assert not (tmp_path / "out" / NAME).exists()
