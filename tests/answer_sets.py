"""Answers as the hooks see them, for the tests of the answer rules."""
import json

from rendering import TEMPLATE_ROOT

from spot_connector import answers as rules

TEMPLATE_DEFAULTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())


def rendered_defaults(**changes):
    """Every default taken but `changes` (the defaults written in Jinja rendered), the derived values computed."""
    answers = {key: value for key, value in rules.rendered_defaults(changes.get("connector_name")).items()
               if not key.startswith("__")}
    return rules.with_derived_values({**answers, **changes})


def checked(**changes):
    return rules.check_answers(rendered_defaults(**changes), TEMPLATE_DEFAULTS, rendered=True)
