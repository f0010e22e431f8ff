"""Answers as the hooks see them, for the tests of the answer rules."""
import json

from rendering import TEMPLATE_ROOT

from spot_connector import answers as rules

TEMPLATE_DEFAULTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())


def rendered_defaults(**changes):
    """Every default taken but `changes` (the first choice for a choice prompt), the derived values computed."""
    answers = {key: value for key, value in TEMPLATE_DEFAULTS.items() if not key.startswith("__")}
    answers["user_stream"] = rules.USER_STREAM_CHOICES[0]
    answers["auth_scheme"] = rules.AUTH_SCHEME_CHOICES[0]
    answers["api_secret_field"] = rules.API_SECRET_FIELD_CHOICES[0]
    return rules.with_derived_values({**answers, **changes})


def checked(**changes):
    return rules.check_answers(rendered_defaults(**changes), TEMPLATE_DEFAULTS, rendered=True)
