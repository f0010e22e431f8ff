"""
Where a checkout's connector keeps what regenerating it needs (spot_connector/facts.py), and what it records there
(spot_connector/regeneration.py): the git directory found from the files, the template as the user named it.
"""
from pathlib import Path

import pytest

from checkout import git, make_hummingbot_checkout

from spot_connector import facts, regeneration

NAME = "acme"


def test_a_git_folder_is_the_git_directory(tmp_path):
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    assert facts.checkout_git_dir(root) == root / ".git"
    assert facts.state_folders(root, NAME) == [root / ".git/spot-connector/acme", root / ".spot-connector/acme"]


def test_a_linked_worktree_uses_its_repositorys_shared_git_directory(tmp_path):
    main = make_hummingbot_checkout(tmp_path / "hummingbot")
    git(main, "worktree", "add", "--quiet", "-b", "feature", str(tmp_path / "feature"))
    assert facts.checkout_git_dir(tmp_path / "feature") == main / ".git"


def test_a_submodules_git_file_names_its_git_directory(tmp_path):
    """A submodule's `.git` file points into the superproject's `.git/modules/`, which has no `commondir`."""
    modules = tmp_path / "super" / ".git" / "modules" / "hummingbot"
    modules.mkdir(parents=True)
    root = tmp_path / "super" / "hummingbot"
    root.mkdir()
    (root / ".git").write_text("gitdir: ../.git/modules/hummingbot\n")
    assert facts.checkout_git_dir(root) == modules


@pytest.mark.parametrize("dot_git", [None, "not a git file\n", "gitdir: ../no/such/folder\n"])
def test_without_a_git_directory_of_its_own_the_state_goes_to_the_checkout(tmp_path, dot_git):
    """Never a repository the checkout merely lies in: only the checkout's own `.git` counts."""
    outer = make_hummingbot_checkout(tmp_path / "outer")
    root = make_hummingbot_checkout(outer / "hummingbot", git_repository=False)
    if dot_git is not None:
        (root / ".git").write_text(dot_git)
    assert facts.checkout_git_dir(root) is None
    assert facts.state_folder(root, NAME) == root / ".spot-connector" / NAME


def test_the_state_folder_is_where_the_answers_are(tmp_path):
    """A checkout that became a repository after its render still finds the answers it kept without git."""
    root = make_hummingbot_checkout(tmp_path / "hummingbot")
    fallback = root / ".spot-connector" / NAME
    fallback.mkdir(parents=True)
    assert facts.state_folder(root, NAME) == root / ".git/spot-connector/acme"
    (fallback / facts.STATE_ANSWERS_FILE).write_text("{}")
    assert facts.state_folder(root, NAME) == fallback


@pytest.mark.parametrize("given, recorded", [
    ("gh:org/spot-connector", "gh:org/spot-connector"),
    ("https://github.com/org/spot-connector.git", "https://github.com/org/spot-connector.git"),
    ("git@github.com:org/spot-connector.git", "git@github.com:org/spot-connector.git"),
    ("/srv/templates/spot-connector", "/srv/templates/spot-connector"),
    ("~/spot-connector", "~/spot-connector"),
])
def test_the_template_is_recorded_as_the_user_named_it(given, recorded):
    assert regeneration.template_as_named(given, "/home/u/.cookiecutters/spot-connector", Path("/home/u/hb")) == \
        recorded


def test_a_relative_template_folder_is_recorded_from_the_checkouts_root(tmp_path):
    """As typed when cookiecutter ran in the checkout's root; from elsewhere, the same folder seen from the root."""
    root, template = tmp_path / "work" / "hummingbot", tmp_path / "templates" / "spot-connector"
    assert regeneration.template_as_named("spot-connector", str(template), root) == "../../templates/spot-connector"
    clone = regeneration.template_to_clone("../../templates/spot-connector", root, lambda named: named)
    assert Path(clone).resolve() == template.resolve()


def test_the_update_tool_clones_an_abbreviation_expanded_and_a_folder_from_the_checkout(tmp_path):
    expand = {"gh:org/spot-connector": "https://github.com/org/spot-connector.git"}.get
    assert regeneration.template_to_clone("gh:org/spot-connector", tmp_path, expand) == \
        "https://github.com/org/spot-connector.git"
    assert regeneration.template_to_clone("/srv/spot-connector", tmp_path, expand) == "/srv/spot-connector"
    assert regeneration.template_to_clone("../spot-connector", tmp_path, expand) == str(tmp_path / "../spot-connector")


def test_the_answers_file_records_no_run_or_machine(tmp_path):
    answers = {"connector_name": NAME, "hummingbot_root": "/home/u/hb", "_replace_existing": True,
               "_template": "/abs/template", "_output_dir": "/tmp/x", "__class_prefix": "Acme", "maker_fee": "0.001"}
    content = regeneration.state_content(answers, "gh:org/spot-connector", "abc1234", "dev-2.18.0")
    assert "/home/u" not in content and "/abs" not in content and "/tmp" not in content
    assert regeneration.recorded_answers(answers) == {"connector_name": NAME, "maker_fee": "0.001"}
