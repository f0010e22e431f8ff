"""
Placement into a hummingbot checkout: all or nothing, whatever fails, whoever interrupts, whoever runs at once.

Every outcome is checked on the whole checkout, byte for byte: either as it was before, or as a successful placement
leaves it ("complete"), with no staging copy, backup, journal or lock file left over.
"""
import fcntl
import importlib.util
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from checkout import make_hummingbot_checkout, tree_digest
from rendering import TEMPLATE_ROOT, render, workspace_env
from test_update import change_template, template_repo  # noqa: F401 (a fixture)

if str(TEMPLATE_ROOT) not in sys.path:
    sys.path.insert(0, str(TEMPLATE_ROOT))

from spot_connector import facts, placement  # noqa: E402

NAME = "acme"
OTHER = "zeta"
CREDENTIALS = ["api_key", "api_secret"]
CONF = "# global settings\ntemplate_version: 17\nkill_switch_enabled: null\n"
WAIT = 120  # seconds: a bound on waiting for a child process, never an assertion about speed


# ---- building checkouts and workspaces ----
def make_workspace(folder: Path, name: str, version: str = "new") -> Path:
    """A rendered workspace's two connector folders, with a nested folder and a relative symlink inside."""
    for relative in facts.connector_folders(name):
        package = folder / relative
        (package / "nested").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / f"{name}_exchange.py").write_text(f"VERSION = {version!r}\n")
        (package / "nested" / "data.json").write_text(json.dumps({"version": version}) + "\n")
        (package / "init_link.py").symlink_to("__init__.py")
    return folder


def add_legacy_conf(root: Path, text: str = CONF) -> Path:
    """hummingbot before 1.6 had conf_global_TEMPLATE.yml; the test checkout links `templates` to the installed one."""
    conf = root / facts.LEGACY_CONF_GLOBAL_TEMPLATE
    if conf.parent.is_symlink():
        conf.parent.unlink()
    conf.parent.mkdir(exist_ok=True)
    conf.write_text(text)
    return conf


def make_checkout(base: Path, existing: Optional[str] = None, legacy_conf: bool = True) -> Path:
    """A checkout; `existing` is None, "folder" (the connector exists) or "symlink" (it links elsewhere)."""
    root = make_hummingbot_checkout(base / "hummingbot")
    if legacy_conf:
        add_legacy_conf(root)
    if existing == "folder":
        make_workspace(root, NAME, version="old")
        (root / facts.connector_folders(NAME)[0] / "author_notes.txt").write_text("the author's own file\n")
    elif existing == "symlink":
        make_workspace(base / "elsewhere", NAME, version="old")
        for relative in facts.connector_folders(NAME):
            (root / relative).symlink_to(base / "elsewhere" / relative, target_is_directory=True)
    return root


def scenario(base: Path, existing: Optional[str]):
    """(checkout, workspace to place) for one kind of placement."""
    return make_checkout(base, existing), make_workspace(base / "workspace", NAME)


def place(root: Path, workspace: Path, name: str = NAME, replace_existing: bool = True) -> List[str]:
    return placement.place_connector(workspace, root, name, CREDENTIALS, replace_existing)


_complete: Dict[Optional[str], Dict[str, str]] = {}


def complete_digest(tmp_path_factory, existing: Optional[str]) -> Dict[str, str]:
    """What a successful placement leaves in a checkout of this kind (made once per kind)."""
    if existing not in _complete:
        root, workspace = scenario(tmp_path_factory.mktemp("complete"), existing)
        assert place(root, workspace) == []
        _complete[existing] = tree_digest(root)
    return _complete[existing]


def leftovers(root: Path) -> List[str]:
    found = []
    for folder in placement.RECOVERY_FOLDERS:
        if (root / folder).is_dir():
            found += [f"{folder}/{name}" for name in os.listdir(root / folder) if ".spot-connector-" in name]
    return sorted(found)


# ---- success, refusal, replacement ----
def test_placement_puts_both_folders_in_place_and_registers_the_keys(tmp_path):
    root, workspace = scenario(tmp_path, existing=None)
    before = tree_digest(root)

    assert place(root, workspace, replace_existing=False) == []

    for relative in facts.connector_folders(NAME):
        assert tree_digest(root / relative) == tree_digest(workspace / relative)
    assert (root / facts.LEGACY_CONF_GLOBAL_TEMPLATE).read_text() == CONF.replace("17", "18") + (
        "acme_api_key: null\nacme_api_secret: null\n")
    added = set(tree_digest(root)) - set(before)
    assert all(path.startswith(tuple(facts.connector_folders(NAME))) for path in added)
    assert leftovers(root) == []
    assert tree_digest(workspace / facts.connector_folders(NAME)[0])  # the sources stay as they were


def test_a_checkout_without_the_legacy_template_gets_only_the_folders(tmp_path):
    root = make_checkout(tmp_path, legacy_conf=False)
    before = tree_digest(root)
    place(root, make_workspace(tmp_path / "workspace", NAME))
    changed = {path for path, digest in tree_digest(root).items() if before.get(path) != digest}
    assert changed and all(path.startswith(tuple(facts.connector_folders(NAME))) for path in changed)


@pytest.mark.parametrize("existing", ["folder", "symlink"])
def test_an_existing_connector_is_refused_without_replace_and_nothing_changes(tmp_path, existing):
    root, workspace = scenario(tmp_path, existing)
    before = tree_digest(root)

    with pytest.raises(placement.PlacementRefused) as refusal:
        place(root, workspace, replace_existing=False)

    assert str(refusal.value) == (f"{root / facts.connector_folders(NAME)[0]} already exists; nothing was changed "
                                  "(answer _replace_existing=true to replace it)")
    assert tree_digest(root) == before


def test_only_the_test_folder_existing_is_refused_too(tmp_path):
    root = make_checkout(tmp_path)
    (root / facts.connector_folders(NAME)[1]).mkdir()
    before = tree_digest(root)
    with pytest.raises(placement.PlacementRefused):
        place(root, make_workspace(tmp_path / "workspace", NAME), replace_existing=False)
    assert tree_digest(root) == before


def test_replacing_a_real_folder_drops_its_old_files(tmp_path, tmp_path_factory):
    root, workspace = scenario(tmp_path, existing="folder")
    assert place(root, workspace) == []
    assert not (root / facts.connector_folders(NAME)[0] / "author_notes.txt").exists()
    assert tree_digest(root) == complete_digest(tmp_path_factory, "folder")


def test_replacing_a_symlinked_folder_replaces_the_link_and_leaves_its_target_alone(tmp_path):
    root, workspace = scenario(tmp_path, existing="symlink")
    linked = tree_digest(tmp_path / "elsewhere")

    assert place(root, workspace) == []

    for relative in facts.connector_folders(NAME):
        assert not (root / relative).is_symlink()
        assert tree_digest(root / relative) == tree_digest(workspace / relative)
    assert tree_digest(tmp_path / "elsewhere") == linked
    assert leftovers(root) == []


def test_a_dangling_symlink_counts_as_existing_and_is_replaced_when_asked(tmp_path):
    root = make_checkout(tmp_path)
    (root / facts.connector_folders(NAME)[0]).symlink_to(tmp_path / "gone")
    workspace = make_workspace(tmp_path / "workspace", NAME)
    with pytest.raises(placement.PlacementRefused):
        place(root, workspace, replace_existing=False)
    place(root, workspace)
    assert (root / facts.connector_folders(NAME)[0] / f"{NAME}_exchange.py").is_file()


def test_a_missing_test_exchange_folder_is_created_and_removed_again_on_failure(tmp_path, monkeypatch):
    root = make_checkout(tmp_path)
    shutil.rmtree(root / "test" / "hummingbot" / "connector")
    before = tree_digest(root)
    workspace = make_workspace(tmp_path / "workspace", NAME)
    with monkeypatch.context() as patch:
        inject_failures(patch, fail_from=2)  # the second copy
        with pytest.raises(OSError, match="injected"):
            place(root, workspace)
    assert tree_digest(root) == before
    place(root, workspace)
    assert (root / facts.connector_folders(NAME)[1] / f"{NAME}_exchange.py").is_file()


def test_only_connector_folders_can_be_placed(tmp_path):
    root = make_checkout(tmp_path)
    for target in ("hummingbot/client", "hummingbot/connector/exchange/.hidden", "../outside",
                   "hummingbot/connector/exchange/acme/deeper"):
        with pytest.raises(ValueError):
            placement.replace_folders(root, {target: tmp_path})


# ---- failures at every step ----
def inject_failures(monkeypatch, fail_from: int, fail_until: float = float("inf")) -> List[str]:
    """Counts os.rename, os.replace and shutil.copytree calls; the ones numbered fail_from..fail_until raise."""
    calls = []
    for module, name in ((os, "rename"), (os, "replace"), (shutil, "copytree")):
        def counted(*args, _real=getattr(module, name), _name=name, **kwargs):
            calls.append(_name)
            if fail_from <= len(calls) <= fail_until:
                raise OSError(f"{_name} failed (injected at call {len(calls)})")
            return _real(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)
    return calls


def count_steps(base: Path, existing: Optional[str], monkeypatch) -> int:
    with monkeypatch.context() as patch:
        calls = inject_failures(patch, fail_from=10 ** 6)
        place(*scenario(base, existing))
    return len(calls)


@pytest.mark.parametrize("existing", [None, "folder", "symlink"])
def test_a_failure_at_any_step_leaves_the_checkout_as_it_was(tmp_path, tmp_path_factory, monkeypatch, existing):
    steps = count_steps(tmp_path / "count", existing, monkeypatch)
    assert steps >= 5  # two copies, the journal, two moves (and backups, the conf when there are some)
    complete = complete_digest(tmp_path_factory, existing)
    for step in range(1, steps + 1):
        root, workspace = scenario(tmp_path / f"step{step}", existing)
        before = tree_digest(root)
        with monkeypatch.context() as patch:
            inject_failures(patch, fail_from=step, fail_until=step)
            with pytest.raises(OSError, match="injected"):
                place(root, workspace)
        assert tree_digest(root) == before, f"failure at step {step}"
        assert place(root, workspace) == [] and tree_digest(root) == complete  # nothing blocks the next run


@pytest.mark.parametrize("existing", [None, "folder"])
def test_a_lasting_failure_from_any_step_is_finished_or_cleaned_by_the_next_run(tmp_path, tmp_path_factory,
                                                                                monkeypatch, existing):
    steps = count_steps(tmp_path / "count", existing, monkeypatch)
    complete = complete_digest(tmp_path_factory, existing)
    for step in range(1, steps + 1):
        root, workspace = scenario(tmp_path / f"step{step}", existing)
        before = tree_digest(root)
        with monkeypatch.context() as patch:
            inject_failures(patch, fail_from=step)  # undoing fails as well
            with pytest.raises(OSError, match="injected"):
                place(root, workspace)
        left_half_done = tree_digest(root) != before

        messages = placement.recover_interrupted_placement(root)

        assert tree_digest(root) in (before, complete), f"failure from step {step}"
        assert len(messages) == (1 if left_half_done else 0)
        assert all(message.startswith("spot-connector: ") for message in messages)


# ---- what a killed run leaves ----
def test_staging_left_by_a_killed_run_is_removed_by_the_next_placement_with_one_line(tmp_path):
    root = make_checkout(tmp_path)
    package = facts.connector_folders(NAME)[0]
    make_workspace(tmp_path / "killed", NAME)
    exchange = root / placement.JOURNAL_FOLDER
    shutil.copytree(tmp_path / "killed" / package, exchange / ".acme.spot-connector-staging-4242-0badf00d")
    (root / "hummingbot/templates/.conf_global_TEMPLATE.yml.spot-connector-staging-4242-0badf00d").write_text("x")
    (exchange / ".acme-journal.spot-connector-staging-4242-00").write_text("{")
    assert len(leftovers(root)) == 3

    messages = place(root, make_workspace(tmp_path / "workspace", OTHER), name=OTHER, replace_existing=False)

    assert len(messages) == 1 and messages[0].startswith("spot-connector: removed what an interrupted run had staged")
    assert leftovers(root) == []
    assert not (root / package).exists() and (root / facts.connector_folders(OTHER)[0]).is_dir()


def test_staging_left_by_the_first_version_of_the_hook_is_removed_too(tmp_path):
    root = make_checkout(tmp_path)
    (root / "hummingbot/connector/exchange/.acme.spot-connector-staging").mkdir()
    before_names = leftovers(root)
    assert placement.recover_interrupted_placement(root)[0].startswith("spot-connector: removed")
    assert before_names and leftovers(root) == []


def test_a_backup_without_a_journal_is_reported_and_kept(tmp_path):
    """A folder the user had may be in it: it is never deleted without the journal saying the placement completed."""
    root = make_checkout(tmp_path)
    backup = root / "hummingbot/connector/exchange/.acme.spot-connector-replaced"
    make_workspace(backup, NAME)
    messages = placement.recover_interrupted_placement(root)
    assert len(messages) == 1 and str(backup) in messages[0] and backup.is_dir()


def test_an_unreadable_journal_stops_the_placement_before_anything_changes(tmp_path):
    root = make_checkout(tmp_path)
    (root / "hummingbot/connector/exchange/.acme.spot-connector-journal.json").write_text(
        json.dumps({"version": 1, "label": "acme", "moves": [
            {"target": "hummingbot/client", "staging": "x", "backup": "y"}]}))
    before = tree_digest(root)
    with pytest.raises(placement.PlacementError, match="not a journal this version can finish"):
        place(root, make_workspace(tmp_path / "workspace", OTHER), name=OTHER)
    assert tree_digest(root) == before


# ---- interrupts: a placement in a child process, stopped at each step ----
CHILD = textwrap.dedent("""
    import signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from spot_connector import placement

    signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever the test runner's own settings are
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def pause(step):
        print("step " + step, flush=True)
        if step == sys.argv[2]:
            sys.stdin.readline()  # the test sends its signal, then lets the placement go on

    placement._between_steps = pause
    placement.place_connector(Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5], ["api_key", "api_secret"], True)
    print("placed", flush=True)
""")


class PausedPlacement:
    """A placement in a child process that stops at `step` until `resume()`."""

    def __init__(self, root: Path, workspace: Path, step: str, name: str = NAME):
        self.process = subprocess.Popen([sys.executable, "-c", CHILD, str(TEMPLATE_ROOT), step, str(workspace),
                                         str(root), name], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=workspace_env())
        self.steps = []
        for line in self.process.stdout:
            self.steps.append(line.strip()[len("step "):])
            if self.steps[-1] == step:
                return
        raise AssertionError(f"the placement never reached {step!r}: {self.steps} {self.process.stderr.read()}")

    def resume(self) -> subprocess.CompletedProcess:
        stdout, stderr = self.process.communicate("\n", timeout=WAIT)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, stdout, stderr)


def placement_steps(tmp_path: Path) -> List[str]:
    """Every step of a placement that replaces a connector and registers keys, in order."""
    root, workspace = scenario(tmp_path, existing="folder")
    steps = []
    real = placement._between_steps
    placement._between_steps = steps.append
    try:
        place(root, workspace)
    finally:
        placement._between_steps = real
    return steps


@pytest.fixture(scope="module")
def steps(tmp_path_factory) -> List[str]:
    found = placement_steps(tmp_path_factory.mktemp("steps"))
    assert found[:2] == [f"staging {folder}" for folder in facts.connector_folders(NAME)]
    assert "after commit" in found and "registering keys" in found and "removing backups" in found
    return found


def committed(steps: List[str], step: str) -> bool:
    return steps.index(step) >= steps.index("after commit")


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_at_any_step_leaves_the_checkout_as_it_was_or_complete(tmp_path, tmp_path_factory, steps,
                                                                        signal_number):
    complete = complete_digest(tmp_path_factory, "folder")
    for index, step in enumerate(steps):
        root, workspace = scenario(tmp_path / str(index), existing="folder")
        before = tree_digest(root)
        child = PausedPlacement(root, workspace, step)
        child.process.send_signal(signal_number)

        result = child.resume()

        assert "placed" not in result.stdout  # the signal still stops the process, once the checkout is settled
        assert result.returncode == -signal_number or "KeyboardInterrupt" in result.stderr, result.stderr
        assert tree_digest(root) == (complete if committed(steps, step) else before), f"{signal_number!r} at {step}"
        assert leftovers(root) == []


def test_a_kill_at_any_step_is_finished_or_cleaned_by_the_next_run(tmp_path, tmp_path_factory, steps):
    complete = complete_digest(tmp_path_factory, "folder")
    for index, step in enumerate(steps):
        root, workspace = scenario(tmp_path / str(index), existing="folder")
        before = tree_digest(root)
        child = PausedPlacement(root, workspace, step)
        child.process.kill()
        child.resume()
        left = leftovers(root)

        messages = placement.recover_interrupted_placement(root)

        assert tree_digest(root) == (complete if committed(steps, step) else before), f"killed at {step}"
        assert len(messages) == (1 if left else 0), (step, left, messages)
        assert leftovers(root) == []


def test_the_next_render_finishes_a_killed_placement_and_places_its_own_connector(tmp_path):
    root, workspace = scenario(tmp_path, existing="folder")
    child = PausedPlacement(root, workspace, f"moving {facts.connector_folders(NAME)[1]}")
    child.process.kill()
    child.resume()
    assert any(".spot-connector-journal" in path for path in leftovers(root))

    messages = place(root, make_workspace(tmp_path / "other", OTHER), name=OTHER, replace_existing=False)

    assert messages == [f"spot-connector: finished placing {', '.join(facts.connector_folders(NAME))}, "
                        "which an interrupted run had started"]
    for name in (NAME, OTHER):
        assert (root / facts.connector_folders(name)[1] / f"{name}_exchange.py").read_text() == "VERSION = 'new'\n"
    conf = (root / facts.LEGACY_CONF_GLOBAL_TEMPLATE).read_text()
    assert "acme_api_key: null" in conf and "zeta_api_secret: null" in conf and "template_version: 19" in conf
    assert leftovers(root) == []


def test_a_journal_rolls_forward_onto_the_conf_as_the_user_left_it(tmp_path):
    """Between the kill and the next run the user may edit the conf template: the keys are added to that text."""
    root, workspace = scenario(tmp_path, existing=None)
    child = PausedPlacement(root, workspace, "registering keys")
    child.process.kill()
    child.resume()
    conf = root / facts.LEGACY_CONF_GLOBAL_TEMPLATE
    conf.write_text(conf.read_text() + "users_own_setting: 1\n")

    placement.recover_interrupted_placement(root)

    assert conf.read_text() == (CONF.replace("17", "18") + "users_own_setting: 1\n"
                                "acme_api_key: null\nacme_api_secret: null\n")


# ---- concurrency ----
def test_the_checkout_is_locked_during_a_placement_and_no_lock_file_is_left(tmp_path, tmp_path_factory):
    root, workspace = scenario(tmp_path, existing="folder")
    child = PausedPlacement(root, workspace, "after commit")
    descriptor = os.open(root, os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert child.resume().returncode == 0
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released with the child's descriptor
    finally:
        os.close(descriptor)
    assert tree_digest(root) == complete_digest(tmp_path_factory, "folder")


def _place_when_both_are_ready(root: str, workspace: str, name: str, barrier) -> None:
    barrier.wait(timeout=WAIT)
    placement.place_connector(Path(workspace), Path(root), name, CREDENTIALS, False)


def test_concurrent_placements_of_two_connectors_both_keep_their_keys(tmp_path):
    context = multiprocessing.get_context("fork")
    for pair in range(8):
        root = make_checkout(tmp_path / str(pair))
        barrier = context.Barrier(2)
        workspaces = {name: make_workspace(tmp_path / str(pair) / name, name) for name in (NAME, OTHER)}
        children = [context.Process(target=_place_when_both_are_ready, args=(str(root), str(workspace), name, barrier))
                    for name, workspace in workspaces.items()]
        for child in children:
            child.start()
        for child in children:
            child.join(timeout=WAIT)
            assert child.exitcode == 0

        conf = (root / facts.LEGACY_CONF_GLOBAL_TEMPLATE).read_text()
        assert "template_version: 19\n" in conf
        assert all(f"{name}_{credential}: null\n" in conf for name in (NAME, OTHER) for credential in CREDENTIALS)
        assert all((root / folder).is_dir() for name in (NAME, OTHER) for folder in facts.connector_folders(name))
        assert leftovers(root) == []


# ---- the legacy conf template ----
def test_registering_keys_adds_each_missing_one_and_raises_the_version_once(tmp_path):
    conf = tmp_path / "conf_global_TEMPLATE.yml"
    conf.write_text(CONF + "acme_api_key: null\n")
    conf.chmod(0o640)

    assert placement.register_api_keys_in_conf_global(conf, NAME, ["api_key", "api_secret", "passphrase"])
    once = conf.read_bytes()
    assert not placement.register_api_keys_in_conf_global(conf, NAME, ["api_key", "api_secret", "passphrase"])

    assert once == (CONF.replace("17", "18") + "acme_api_key: null\nacme_api_secret: null\nacme_passphrase: null\n"
                    ).encode()
    assert conf.read_bytes() == once and conf.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["conf_global_TEMPLATE.yml"]


def test_registering_keys_keeps_every_other_byte(tmp_path):
    text = "template_version: 3  \r\n\ufeffodd: line\x0bwith a vertical tab\r\nlast_line_without_ending: 1"
    updated = placement.conf_global_with_api_keys(text, NAME, ["api_key"])
    assert updated == "template_version: 4  \r\n\ufeffodd: line\x0bwith a vertical tab\r\n" \
                      "last_line_without_ending: 1\r\nacme_api_key: null\r\n"


# ---- tools/update_connector.py: recovery first, and a failure is one line ----
def update(root: Path, name: str = NAME) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TEMPLATE_ROOT / "tools" / "update_connector.py"), str(root), name],
                          env=workspace_env(), capture_output=True, text=True, timeout=WAIT)


def write_answers(root: Path, template: str) -> None:
    """The connector's answers file in its state folder, as a render writes it."""
    folder = facts.state_folder(root, NAME)
    folder.mkdir(parents=True)
    (folder / facts.STATE_ANSWERS_FILE).write_text(json.dumps(
        {"version": 1, "template": template, "commit": "0" * 40, "answers": {"connector_name": NAME}}))


def checkout_with_generated_connector(base: Path, template: str) -> Path:
    root = make_checkout(base)
    place(root, make_workspace(base / "workspace", NAME))
    write_answers(root, template)
    return root


def test_update_cleans_leftovers_first_and_reports_a_missing_template_in_one_line(tmp_path):
    root = checkout_with_generated_connector(tmp_path, str(tmp_path / "no-such-template"))
    before = tree_digest(root)
    (root / "hummingbot/connector/exchange/.acme.spot-connector-staging-4242-0badf00d").mkdir()

    result = update(root)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("spot-connector: ") for line in lines), result.stderr
    assert "removed what an interrupted run had staged" in lines[0]
    assert "could not clone the template" in lines[1] and str(tmp_path / "no-such-template") in lines[1]
    assert tree_digest(root) == before


def test_update_refuses_a_symlinked_connector_folder_in_one_line(tmp_path):
    root = make_checkout(tmp_path, existing="symlink")
    write_answers(root, str(tmp_path))
    before, linked = tree_digest(root), tree_digest(tmp_path / "elsewhere")

    result = update(root)

    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("spot-connector: ") and "symbolic link" in result.stderr
    assert tree_digest(root) == before and tree_digest(tmp_path / "elsewhere") == linked


# ---- tools/update_connector.py: the merge is swapped in all at once ----
def load_update_tool():
    spec = importlib.util.spec_from_file_location("update_connector", TEMPLATE_ROOT / "tools" / "update_connector.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def updatable_checkout(template_repo, tmp_path) -> Path:  # noqa: F811 (the fixture)
    """A checkout with a connector generated from `template_repo`, whose template then changed."""
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    render(tmp_path / "out", template=template_repo, connector_name=NAME, hummingbot_root=str(root))
    change_template(template_repo, "MAX_REQUEST = 5000", "MAX_REQUEST = 4000")
    return root


def fail_when_moving_the_test_folder(step: str) -> None:
    if step == f"moving {facts.connector_folders(NAME)[1]}":
        raise OSError("disk full (injected)")


def test_an_update_failing_while_swapping_leaves_the_connector_as_it_was(updatable_checkout, monkeypatch, capsys):
    root = updatable_checkout
    before = tree_digest(root)
    monkeypatch.setattr(placement, "_between_steps", fail_when_moving_the_test_folder)

    assert load_update_tool().main([str(root), NAME]) == 2

    assert capsys.readouterr().err.splitlines() == ["spot-connector: the update failed: OSError: disk full (injected)"]
    assert tree_digest(root) == before


def test_an_update_killed_while_swapping_is_finished_by_the_next_update(updatable_checkout, monkeypatch):
    root = updatable_checkout
    monkeypatch.setattr(placement, "_between_steps", fail_when_moving_the_test_folder)
    monkeypatch.setattr(placement, "_undo_switch", lambda *args: None)  # as if the process had died at that step
    assert load_update_tool().main([str(root), NAME]) == 2
    assert any("journal" in path for path in leftovers(root))
    monkeypatch.undo()

    result = update(root)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"spot-connector: finished placing {', '.join(facts.connector_folders(NAME))}"
                                          ", which an interrupted run had started"]
    assert "MAX_REQUEST = 4000" in (root / facts.connector_folders(NAME)[0] / f"{NAME}_constants.py").read_text()
    assert leftovers(root) == []
