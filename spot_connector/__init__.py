"""
The template's own tooling: what the Jinja environment, the hooks, `tools/` and the tests share.

Nothing here is rendered into a connector. cookiecutter (and cruft) put the template's folder on `sys.path` while they
render, which is how `cookiecutter.json` loads `spot_connector.jinja_guard`; the hooks, which run as separate scripts,
are told the folder by that extension.
"""
