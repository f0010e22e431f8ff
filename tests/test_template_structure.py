"""
The template's layout (docs/architecture.md): every value of a shape prompt has its one home in
templates/<prompt>/<value>/, every value supplies every point its prompt has, and module templates hold no variant
conditionals of their own.
"""
import json
import re

import pytest

from rendering import TEMPLATE_ROOT

from spot_connector.answers import OPTIONAL_SHAPE_PROMPTS

PARTIALS = TEMPLATE_ROOT / "templates"
WORKSPACE_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.connector_name}}"
PROMPTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
SHAPE_PROMPTS = sorted(folder.name for folder in PARTIALS.iterdir() if folder.is_dir())
SHAPE_CALL = re.compile(r"""shape\("(\w+)", "([\w.]+)"\)""")


def prompt_values(prompt: str):
    default = PROMPTS[prompt]
    if prompt in OPTIONAL_SHAPE_PROMPTS:
        return ["none", "yes"]
    return ["yes", "no"] if isinstance(default, bool) else list(default)


def shape_calls():
    sources = [path for path in [*WORKSPACE_TEMPLATE.rglob("*"), *PARTIALS.rglob("*.j2")] if path.is_file()]
    return {(prompt, point) for path in sources for prompt, point in SHAPE_CALL.findall(path.read_text())}


def test_shape_prompts_are_prompts_with_a_fixed_set_of_values():
    assert SHAPE_PROMPTS == ["balance_channel", "broker_header_name", "testnet_domain", "time_synchronizer",
                             "user_stream"]
    for prompt in SHAPE_PROMPTS:
        # an optional text prompt shapes the code by being empty (its default) or not
        optional = prompt in OPTIONAL_SHAPE_PROMPTS and PROMPTS[prompt] == ""
        assert isinstance(PROMPTS[prompt], (bool, list)) or optional, prompt


@pytest.mark.parametrize("prompt", SHAPE_PROMPTS)
def test_every_value_has_a_home_with_the_same_points(prompt):
    folders = {folder.name: sorted(path.name for path in folder.glob("*.j2"))
               for folder in (PARTIALS / prompt).iterdir()}
    assert sorted(folders) == sorted(prompt_values(prompt))
    points = {tuple(names) for names in folders.values()}
    assert len(points) == 1, folders


@pytest.mark.parametrize("prompt", SHAPE_PROMPTS)
def test_every_partial_is_included_and_every_inclusion_has_its_partials(prompt):
    included = {f"{point}.j2" for called_prompt, point in shape_calls() if called_prompt == prompt}
    for value in prompt_values(prompt):
        assert sorted(path.name for path in (PARTIALS / prompt / value).glob("*.j2")) == sorted(included)


def test_module_templates_hold_no_variant_conditionals():
    """Shapes differ only through shape(...) partials; loops over the extra credentials stay in the modules."""
    conditionals = [f"{path.relative_to(TEMPLATE_ROOT)}:{number}"
                    for path in WORKSPACE_TEMPLATE.rglob("*") if path.is_file()
                    for number, line in enumerate(path.read_text().splitlines(), start=1)
                    if re.search(r"{%-?\s*(if|elif)\b", line)]
    assert conditionals == []
