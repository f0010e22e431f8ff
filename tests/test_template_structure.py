"""
The template's layout (docs/architecture.md): every value of a shape prompt has its one home in
templates/<prompt>/<value>/, every value supplies every point its prompt has, and module templates hold no variant
conditionals of their own. What differs by the target hummingbot release has its home in
templates/hummingbot_features/<feature>/{yes,no}/, one folder per feature of spot_connector/hummingbot_releases.py.
"""
import json
import re

import pytest

from rendering import TEMPLATE_ROOT

from spot_connector.answers import OPTIONAL_SHAPE_PROMPTS
from spot_connector.hummingbot_releases import FEATURES

PARTIALS = TEMPLATE_ROOT / "templates"
FEATURE_PARTIALS = PARTIALS / "hummingbot_features"
WORKSPACE_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.connector_name}}"
PROMPTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
SHAPE_PROMPTS = sorted(folder.name for folder in PARTIALS.iterdir() if folder.is_dir() and folder != FEATURE_PARTIALS)
SHAPE_CALL = re.compile(r"""(?<![\w])shape\("(\w+)", "([\w.]+)"\)""")
FEATURE_CALL = re.compile(r"""hummingbot_feature\("(\w+)", "([\w.]+)"\)""")


def prompt_values(prompt: str):
    default = PROMPTS[prompt]
    if prompt in OPTIONAL_SHAPE_PROMPTS:
        return ["none", "yes"]
    return ["yes", "no"] if isinstance(default, bool) else list(default)


def shape_calls(call=SHAPE_CALL):
    sources = [path for path in [*WORKSPACE_TEMPLATE.rglob("*"), *PARTIALS.rglob("*.j2")] if path.is_file()]
    return {(prompt, point) for path in sources for prompt, point in call.findall(path.read_text())}


def test_shape_prompts_are_prompts_with_a_fixed_set_of_values():
    assert SHAPE_PROMPTS == ["auth_scheme", "balance_channel", "broker_header_name", "order_book_source",
                             "testnet_domain", "time_synchronizer", "user_stream", "ws_compression", "ws_ping"]
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


def test_every_hummingbot_feature_has_a_home_and_its_partials_are_included():
    assert sorted(folder.name for folder in FEATURE_PARTIALS.iterdir()) == sorted(FEATURES)
    for feature in FEATURES:
        included = {f"{point}.j2" for called, point in shape_calls(FEATURE_CALL) if called == feature}
        assert included, f"nothing includes the partials of {feature}"
        for value in ("yes", "no"):
            assert sorted(path.name for path in (FEATURE_PARTIALS / feature / value).glob("*.j2")) == sorted(included)
