"""
The documentation tells the truth, checked both ways, and follows the code: nothing here lists today's names.

- Prompts: every prompt of cookiecutter.json has its row in the table of docs/prompts.md, with its default and its
  choices, and its section, with its help text; every row and every section names a prompt. The same for the
  variables that are not prompted (`_`, `__`) and their table.
- Names: every code name README.md and docs/*.md cite in backticks exists: in a render of the template (the default
  answers, and the fewest golden answer sets that give every value of every shape prompt), in the hummingbot modules
  and classes those renders import and inherit from, in the template's own files and tests, in the Makefile, or in
  Cookiecutter and cruft, which the pages describe. `<name>`, `<Prefix>`, `<extra>`... are filled in from each render.
  The spec map's "inherited" and "defined" are checked against the rendered classes.
  A value a page quotes (`NAME = value`, `package==version`) is the code's and the pins'.
- Commands: every command in the ```bash blocks runs, for real, in a temporary folder, placeholders filled in; what
  cannot run here is listed with the reason, and a command nobody classified fails the test. The test count the pages
  give is the one `make demo` reports; `make docs` builds the site with --strict.
- Claims: renders of the same answers are identical, as docs/updating.md says.
"""
import ast
import builtins
import concurrent.futures
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import pytest
from packaging.specifiers import SpecifierSet

from checkout import INSTALLED_PACKAGE
from golden_renders import ANSWER_SETS, VARIANTS
from rendering import CONNECTOR_DIR, TEMPLATE_ROOT, TEST_DIR, VENV_BIN, clean_template, render, workspace_env

from spot_connector import facts as facts_module
from spot_connector.answers import class_prefix, display_name, extra_credentials

DOCS = TEMPLATE_ROOT / "docs"
PAGES = [TEMPLATE_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
COOKIECUTTER_JSON = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
DEFAULT_NAME = COOKIECUTTER_JSON["connector_name"]
# The connector name the pages' examples use.
EXAMPLE_NAME = "my_exchange"


# ==================================================================================================== the pages
@dataclass(frozen=True)
class Block:
    """A fenced block of a page: its language and text (dedented when it sits in a list item)."""
    page: str
    line: int
    language: str
    text: str


FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<language>[\w-]*)")


def page_name(path: Path) -> str:
    return path.relative_to(TEMPLATE_ROOT).as_posix()


@lru_cache(maxsize=None)
def read_page(path: Path) -> Tuple[str, Tuple[Block, ...]]:
    """The page's prose, with its fenced blocks blanked out (line numbers hold), and the blocks."""
    lines = path.read_text().splitlines()
    prose, blocks, number = [], [], 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if not opening:
            prose.append(lines[number])
            number += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        body, end = [], number + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][len(indent):] if lines[end].startswith(indent) else lines[end].lstrip())
            end += 1
        blocks.append(Block(page_name(path), number + 1, opening.group("language"), "\n".join(body)))
        prose.extend([""] * (end + 1 - number))
        number = end + 1
    return "\n".join(prose), tuple(blocks)


SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def code_spans(path: Path) -> List[Tuple[int, str]]:
    """(line, text) of every inline code span of a page, outside its fenced blocks; wrapped spans joined."""
    prose, _ = read_page(path)
    return [(prose.count("\n", 0, match.start()) + 1, " ".join(match.group(2).split()))
            for match in SPAN.finditer(prose)]


def blocks(language: str) -> List[Block]:
    return [block for path in PAGES for block in read_page(path)[1] if block.language == language]


def split_cells(row: str) -> List[str]:
    """The cells of a Markdown table row; a `|` inside a code span does not split."""
    cells, current, in_code = [], "", False
    for character in row.strip().strip("|"):
        if character == "`":
            in_code = not in_code
        if character == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += character
    return cells + [current.strip()]


def tables(text: str) -> List[List[List[str]]]:
    """Every Markdown table of a text, as rows of cells, header row first, the separator row left out."""
    found, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|[\s|:-]+\|?", line.strip()):
                current.append(split_cells(line))
        elif current:
            found.append(current)
            current = []
    return found


def sections(text: str, level: str = "## ") -> List[Tuple[str, str]]:
    """(heading, body) of each section of the given level."""
    parts = re.split(rf"^{re.escape(level)}(.*)$", text, flags=re.MULTILINE)
    return [(parts[index].strip(), parts[index + 1]) for index in range(1, len(parts), 2)]


def slug(heading: str) -> str:
    """The anchor MkDocs gives a heading (the toc extension's default slugify)."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


# ==================================================================================================== prompts
PROMPTS_PAGE = DOCS / "prompts.md"
# Keys of cookiecutter.json that configure Cookiecutter itself rather than hold a variable of the template (see
# Cookiecutter's documentation: "Template Extensions", "Human readable prompts", "Copy without render"...).
COOKIECUTTER_SETTINGS = {"_extensions", "__prompts__", "_copy_without_render", "_jinja2_env_vars", "_new_lines"}
PROMPTS = [key for key in COOKIECUTTER_JSON if not key.startswith("_")]
NOT_PROMPTED = [key for key in COOKIECUTTER_JSON if key.startswith("_") and key not in COOKIECUTTER_SETTINGS]


def help_text(key: str) -> str:
    text = COOKIECUTTER_JSON["__prompts__"][key]
    return text["__prompt__"] if isinstance(text, dict) else text


# A default cookiecutter.json derives from the connector name; the pages write the host label it gives as `<host>`.
FROM_THE_NAME = re.compile(r"\{\{\s*cookiecutter\.connector_name\s*\|\s*host_label\s*\}\}")


def documented_default(value) -> str:
    """How the pages show a default: yes/no, empty, the first choice, or the value as code (`<host>` from the name)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"`{value[0]}`"
    if value == "":
        return "empty"
    assert "{{" not in FROM_THE_NAME.sub("", value), f"a default the pages cannot show yet: {value}"
    return f"`{FROM_THE_NAME.sub('<host>', value)}`"


def documented_default_cell(value) -> str:
    """The Default column of the prompts table: a default derived from the name says so."""
    derived = isinstance(value, str) and FROM_THE_NAME.search(value)
    return documented_default(value) + (" (from the name)" if derived else "")


def prompt_table() -> List[List[str]]:
    for table in tables(PROMPTS_PAGE.read_text()):
        if table[0][0] == "Key":
            return table[1:]
    raise AssertionError("docs/prompts.md has no table whose first column is `Key`")


def variables_table() -> List[List[str]]:
    for table in tables(PROMPTS_PAGE.read_text()):
        if table[0][0] == "Variable":
            return table[1:]
    raise AssertionError("docs/prompts.md has no table whose first column is `Variable`")


def first_span(cell: str) -> str:
    match = re.search(r"`([^`]+)`", cell)
    return match.group(1) if match else cell


def prompt_sections() -> Dict[str, str]:
    """Anchor -> body of every `##` section of the prompts page but the one on the variables that are not prompted."""
    return {slug(heading): body for heading, body in sections(PROMPTS_PAGE.read_text())
            if not heading.lower().startswith("variables")}


def test_every_prompt_has_its_row_in_order_and_every_row_is_a_prompt():
    rows = [first_span(row[0]) for row in prompt_table()]
    assert [key for key in PROMPTS if key not in rows] == [], "prompts without a row in docs/prompts.md"
    assert [key for key in rows if key not in PROMPTS] == [], "rows of docs/prompts.md that are not prompts"
    assert rows == PROMPTS, "the table lists the prompts in the order Cookiecutter asks them"


def test_every_row_shows_the_prompts_default_and_choices():
    wrong = []
    for row in prompt_table():
        key = first_span(row[0])
        if key not in COOKIECUTTER_JSON:
            continue
        value = COOKIECUTTER_JSON[key]
        if row[1] != documented_default_cell(value):
            wrong.append(f"{key}: default shown as {row[1]!r}, cookiecutter.json has {documented_default_cell(value)!r}")
        if isinstance(value, list) and set(re.findall(r"`([^`]+)`", row[2])) != set(value):
            wrong.append(f"{key}: choices shown as {row[2]!r}, cookiecutter.json has {value}")
        if isinstance(value, bool) and row[2] != "yes / no":
            wrong.append(f"{key}: a yes/no prompt shown as allowing {row[2]!r}")
    assert wrong == []


def test_every_row_links_to_a_section_about_its_prompt_and_every_section_is_linked():
    linked: Dict[str, List[str]] = {}
    for row in prompt_table():
        anchor = re.search(r"\]\(#([^)]+)\)", row[0])
        assert anchor, f"the row of {first_span(row[0])} does not link to its section: {row[0]}"
        linked.setdefault(anchor.group(1), []).append(first_span(row[0]))
    bodies = prompt_sections()
    assert sorted(set(linked) - set(bodies)) == [], "rows linking to no section"
    assert sorted(set(bodies) - set(linked)) == [], "sections no row links to (each must be about a prompt)"
    headings = {slug(heading): heading for heading, _ in sections(PROMPTS_PAGE.read_text())}
    unnamed = [f"{key} in '{headings[anchor]}'" for anchor, keys in linked.items() for key in keys
               if f"`{key}`" not in headings[anchor] + bodies[anchor].split("\n\n- ")[0]]
    assert unnamed == [], "a section names each prompt its rows link to, in its heading or first paragraph"
    stray = [f"{name} in '{headings[anchor]}'" for anchor in bodies
             for name in re.findall(r"`([^`]+)`", headings[anchor]) if name not in PROMPTS]
    assert stray == [], "section headings naming something that is not a prompt"


def test_every_section_quotes_its_help_text_and_shows_its_default():
    wrong = []
    for anchor, body in prompt_sections().items():
        keys = [first_span(row[0]) for row in prompt_table() if f"(#{anchor})" in row[0]]
        keys = [key for key in keys if key in COOKIECUTTER_JSON]
        if len(keys) == 1:  # a section of several prompts paraphrases their help texts together
            quoted = re.search(r"^\*(.+?)\*\s*$", body.strip().split("\n\n")[0], re.DOTALL)
            shown = " ".join(quoted.group(1).split()) if quoted else None
            if shown is None or shown.rstrip(".") != help_text(keys[0]).rstrip("."):
                wrong.append(f"{keys[0]}: help text shown as {shown!r}, cookiecutter.json has {help_text(keys[0])!r}")
        bullet = re.search(r"^- \*\*Defaults?:\*\*(.*)$", body, re.MULTILINE)
        if not bullet:
            wrong.append(f"{', '.join(keys)}: no **Default:** line")
            continue
        expected = [documented_default(COOKIECUTTER_JSON[key]) for key in keys]
        shown = re.findall(r"`[^`]+`|\b(?:yes|no|empty)\b", bullet.group(1).split("(")[0])
        if shown != expected and not (len(set(expected)) == 1 and shown == expected[:1]):
            wrong.append(f"{', '.join(keys)}: default shown as {shown}, cookiecutter.json has {expected}")
    assert wrong == []


def test_every_variable_that_is_not_prompted_has_its_row_and_every_row_is_one():
    rows = variables_table()
    names = [first_span(row[0]) for row in rows]
    assert names == NOT_PROMPTED, f"the table lists {names}; cookiecutter.json has {NOT_PROMPTED}"
    wrong = []
    for row in rows:
        key, value = first_span(row[0]), COOKIECUTTER_JSON.get(first_span(row[0]))
        derived_from = re.findall(r"cookiecutter\.(\w+)", value) if isinstance(value, str) else []
        if derived_from:  # a derived value: the row names the prompt it comes from
            wrong += [f"{key}: the row does not name `{source}`" for source in derived_from
                      if f"`{source}`" not in row[1]]
        elif row[1] != f"`{json.dumps(value)}`":
            wrong.append(f"{key}: value shown as {row[1]!r}, cookiecutter.json has {json.dumps(value)!r}")
    assert wrong == []


# ==================================================================================================== claims
def rendered_bytes(workspace: Path) -> Dict[str, bytes]:
    """The rendered files; the workspace's git store, whose first commit records when it was made, aside."""
    return {path.relative_to(workspace).as_posix(): path.read_bytes() for path in sorted(workspace.rglob("*"))
            if path.is_file() and not {"__pycache__", ".pytest_cache", ".git"} & set(path.relative_to(workspace).parts)}


def first_commit_tree(workspace: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD^{tree}"], cwd=workspace, capture_output=True, text=True,
                          check=True).stdout.strip()


def differing_entries(first: dict, second: dict, prefix: str = "") -> List[str]:
    keys = sorted(set(first) | set(second))
    found = []
    for key in keys:
        if isinstance(first.get(key), dict) and isinstance(second.get(key), dict):
            found += differing_entries(first[key], second[key], f"{prefix}{key}.")
        elif first.get(key) != second.get(key):
            found.append(prefix + key)
    return found


def test_renders_of_the_same_answers_are_identical_as_the_updating_page_says(tmp_path):
    """Same template commit and answers: the same files wherever the output goes; from a template folder elsewhere,
    only the recorded location differs (`template`, `_template`)."""
    assert "give identical files" in (DOCS / "updating.md").read_text()
    elsewhere = tmp_path / "elsewhere" / "spot-connector"
    shutil.copytree(clean_template(), elsewhere)
    once, again = render(tmp_path / "once" / "out"), render(tmp_path / "again" / "deeper" / "out")
    from_elsewhere = render(tmp_path / "from-elsewhere" / "out", template=elsewhere)

    assert rendered_bytes(again) == rendered_bytes(once)
    assert first_commit_tree(again) == first_commit_tree(once)  # the render's first commit holds the same files
    first, second = rendered_bytes(once), rendered_bytes(from_elsewhere)
    assert [path for path in first if first[path] != second.get(path)] == [".cruft.json"]
    assert differing_entries(json.loads(first[".cruft.json"]), json.loads(second[".cruft.json"])) == [
        "context.cookiecutter._template", "template"]


# ==================================================================================================== renders
def shape_values(answers: dict) -> Set[Tuple[str, object]]:
    """The values an answer set gives the prompts that shape the code (extra credentials: some or none)."""
    merged = {key: (value[0] if isinstance(value, list) else value) for key, value in COOKIECUTTER_JSON.items()
              if key in VARIANTS[0]}
    merged.update(answers)
    values = {(key, bool(value) if key == "extra_api_keys" else value) for key, value in merged.items()
              if key != "connector_name"}
    # The auth scheme signs the user stream's requests: every pair of the two is a shape of its own.
    pair = (merged.get("auth_scheme", COOKIECUTTER_JSON["auth_scheme"][0]), merged["user_stream"])
    return values | {("auth_scheme x user_stream", pair)}


def covering_answer_sets() -> List[str]:
    """The default answers, then the fewest golden answer sets that add every value of every shape prompt."""
    chosen = ["defaults"]
    wanted = set().union(*(shape_values(answers) for answers in VARIANTS)) - shape_values({})
    while wanted:
        best = max(ANSWER_SETS, key=lambda answer_set: len(shape_values(ANSWER_SETS[answer_set]) & wanted))
        chosen.append(best)
        wanted -= shape_values(ANSWER_SETS[best])
    return chosen


# Run in a rendered workspace: imports every rendered module (after the workspace's conftest, as pytest would) and
# writes what each module and each class it holds or imports has, inherited members included.
INTROSPECT = textwrap.dedent("""
    import importlib, inspect, json, sys
    import conftest
    modules, classes = {}, {}

    def record(cls):
        key = cls.__qualname__
        if key in classes or cls is object:
            return
        fields = list(getattr(cls, "model_fields", {}) or {})
        classes[key] = {"own": sorted(vars(cls)), "all": sorted(set(dir(cls)) | set(fields)), "module": cls.__module__}
        for base in cls.__mro__[1:]:
            record(base)
        for value in list(vars(cls).values()):
            if inspect.isclass(value):
                record(value)

    def record_module(module, depth):
        if module.__name__ in modules:
            return
        names = sorted(vars(module))
        aliases = {name: value.__name__ for name, value in vars(module).items() if inspect.ismodule(value)}
        members = set()
        modules[module.__name__] = {"names": names, "aliases": aliases, "members": members}
        for name, value in list(vars(module).items()):
            if inspect.isclass(value):
                record(value)
                if value.__module__ == module.__name__:
                    members.update(dir(value))
            elif inspect.ismodule(value) and depth and value.__name__.startswith(("hummingbot", "test")):
                record_module(value, depth - 1)
        modules[module.__name__]["members"] = sorted(members)

    for name in json.loads(sys.argv[1]):
        record_module(importlib.import_module(name), 1)
    with open(sys.argv[2], "w") as output:
        json.dump({"modules": modules, "classes": classes}, output)
""")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TEXT_SUFFIXES = {".py", ".md", ".cfg", ".json", ".pyx", ".pxd", ".txt", ".yml", ".yaml", ".ini", ".toml", ".j2"}


@dataclass
class Render:
    """What one render holds: its files, every word of their text, and what Python finds in its modules."""
    answer_set: str
    workspace: Path
    answers: dict
    paths: Set[str] = field(default_factory=set)
    words: Set[str] = field(default_factory=set)
    modules: Dict[str, dict] = field(default_factory=dict)
    classes: Dict[str, dict] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.workspace.name

    @property
    def extras(self) -> List[str]:
        return extra_credentials(self.answers.get("extra_api_keys", ""))

    def recorded_answers(self) -> Dict[str, object]:
        """The answers as the render recorded them, checked and normalised."""
        return json.loads((self.workspace / ".cruft.json").read_text())["context"]["cookiecutter"]

    def placeholders(self) -> Dict[str, str]:
        values = {f"<{key}>": str(value) for key, value in self.recorded_answers().items()
                  if not key.startswith("_") and isinstance(value, (str, int, float))}
        values.update({"<name>": self.name, "<connector_name>": self.name, "<connector>": self.name,
                       "<Prefix>": class_prefix(self.name), "<NAME>": self.name.upper(),
                       "<Display Name>": display_name(self.name)})
        if self.extras:
            extra = self.extras[0]
            values.update({"<extra>": extra, "<Extra>": extra.capitalize(), "<EXTRA>": extra.upper()})
        return values

    def module(self, stem_or_alias: str) -> Optional[dict]:
        """A rendered module by its file stem (`acme_constants`) or the alias rendered code imports it as."""
        rendered = ("hummingbot.connector.exchange.", "test.")
        for full_name, module in self.modules.items():
            if full_name.rsplit(".", 1)[-1] == stem_or_alias and full_name.startswith(rendered):
                return module
        for module in self.modules.values():
            target = module["aliases"].get(stem_or_alias)
            if target and target in self.modules and f".{self.name}." in target:
                return self.modules[target]
        return None

    def names(self) -> Set[str]:
        """Every name Python finds: module-level names, and the members of every class, inherited ones included."""
        found = set()
        for module in self.modules.values():
            found.update(module["names"], module["members"])
        for cls in self.classes.values():
            found.update(cls["all"])
        return found | set(self.classes) | {key.rsplit(".", 1)[-1] for key in self.classes}

    def tests(self) -> Set[str]:
        """The tests of the rendered test modules, hummingbot's generic tests they inherit included."""
        return {name for full_name, module in self.modules.items() if full_name.startswith("test.hummingbot.")
                for name in module["names"] + module["members"] if name.startswith("test_")}


def rendered_module_names(workspace: Path) -> List[str]:
    names = ["conftest"]
    for folder in (CONNECTOR_DIR.format(name=workspace.name), TEST_DIR.format(name=workspace.name)):
        names += [".".join((folder + "/" + path.stem).split("/")) for path in sorted((workspace / folder).glob("*.py"))
                  if path.stem != "__init__"]
    return names


def read_render(answer_set: str, workspace: Path) -> Render:
    facts = Render(answer_set, workspace, ANSWER_SETS[answer_set])
    for path in workspace.rglob("*"):
        if "__pycache__" in path.parts or ".pytest_cache" in path.parts:
            continue
        relative = path.relative_to(workspace).as_posix()
        facts.paths.add(relative)
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name == ".cruft.json"):
            facts.words.update(WORD.findall(path.read_text(errors="replace")))
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "names.json"
        result = subprocess.run([sys.executable, "-c", INTROSPECT, json.dumps(rendered_module_names(workspace)),
                                 str(output)], cwd=workspace, env=workspace_env(), capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        introspected = json.loads(output.read_text())
    facts.modules, facts.classes = introspected["modules"], introspected["classes"]
    return facts


@pytest.fixture(scope="module")
def renders(default_workspace, tmp_path_factory) -> List[Render]:
    found = []
    for answer_set in covering_answer_sets():
        workspace = default_workspace if answer_set == "defaults" else render(
            tmp_path_factory.mktemp(f"truth-{answer_set}") / "out", **ANSWER_SETS[answer_set])
        found.append(read_render(answer_set, workspace))
    return found


def test_the_renders_give_every_value_of_every_shape_prompt(renders):
    given = set().union(*(shape_values(facts.answers) for facts in renders))
    assert set().union(*(shape_values(answers) for answers in VARIANTS)) <= given


# ==================================================================================================== names
# What the template's own files hold, outside the pages themselves and the renders' copies (tests/golden): the
# prompts, the Makefile, the tooling, the hooks, the update tool and the template's tests. The doc tests are left out:
# they quote the pages.
# The template's Makefile and the rendered workspace's (its targets are the ones the pages tell an author to run).
MAKEFILES = ["Makefile", "{{cookiecutter.connector_name}}/Makefile"]
REPOSITORY_TEXT_FILES = ["cookiecutter.json", *MAKEFILES, "requirements.txt", "pytest.ini", "mkdocs.yml", ".gitignore",
                         ".ci/run"]
REPOSITORY_CODE_FOLDERS = ["spot_connector", "hooks", "tools", "tests"]
# A name that only a test of the docs spells is not a name of the template.
DOC_TESTS = re.compile(r"^tests/test_docs_\w*\.py$")


def repository_files() -> List[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=TEMPLATE_ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return [path for path in listed if (TEMPLATE_ROOT / path).is_file()]


@dataclass
class Repository:
    paths: Set[str]
    basenames: Set[str]
    words: Set[str]           # every word of the template's own files (strings and comments included)
    identifiers: Set[str]     # the names its Python code uses or defines, and the Makefile's and the prompts' names
    tests: Dict[str, Set[str]]  # test file -> the functions it defines
    make_targets: Set[str]
    options: Set[str]


def python_identifiers(source: str) -> Set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.update((node.asname or node.name).split("."))
    return names


def function_names(source: str) -> Set[str]:
    return {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, (ast.FunctionDef,
                                                                                   ast.AsyncFunctionDef))}


OPTION = re.compile(r"""["'](--?[A-Za-z][\w-]*)["']""")


def tool_sources() -> List[Path]:
    """
    Cookiecutter, cruft, pytest, MkDocs, pip, diff-cover, pre-commit, flake8 and autopep8 as installed: the programs
    the pages tell you to run, or whose options the workspace's gates pass as hummingbot's CI does.
    """
    import _pytest
    import autopep8
    import cookiecutter
    import cruft
    import diff_cover
    import flake8
    import mkdocs
    import pip
    import pre_commit
    packages = [Path(package.__file__).parent for package in (cookiecutter, cruft, _pytest, mkdocs, pip, diff_cover,
                                                               pre_commit, flake8)]
    return [path for folder in packages for path in folder.rglob("*.py")] + [Path(autopep8.__file__)]


@lru_cache(maxsize=None)
def repository() -> Repository:
    files = repository_files()
    paths = set(files) | {parent.as_posix() for path in files for parent in Path(path).parents if parent.name}
    words, identifiers, tests, options = set(), set(), {}, set()
    for path in files:
        if path.startswith("tests/") and path.endswith(".py"):
            tests[path] = function_names((TEMPLATE_ROOT / path).read_text())
        text_file = path in REPOSITORY_TEXT_FILES
        code_file = path.split("/")[0] in REPOSITORY_CODE_FOLDERS and path.endswith(".py") and not DOC_TESTS.match(path)
        if not (text_file or code_file) or path.startswith("tests/golden/"):
            continue
        text = (TEMPLATE_ROOT / path).read_text()
        words.update(WORD.findall(text))
        options.update(OPTION.findall(text))
        if code_file:
            identifiers.update(python_identifiers(text))
        elif path.endswith("Makefile"):  # the template's and the rendered workspace's: their variables
            identifiers.update(re.findall(r"^([A-Z_]+) [?:]?=", text, re.MULTILINE))
            identifiers.update(re.findall(r"\$\(([A-Z_]+)\)", text))
        elif path == "cookiecutter.json":
            identifiers.update(COOKIECUTTER_JSON)
    targets = {target for makefile in MAKEFILES
               for target in re.findall(r"^([a-z][\w-]*):", (TEMPLATE_ROOT / makefile).read_text(), re.MULTILINE)}
    for path in tool_sources():
        options.update(OPTION.findall(path.read_text(errors="replace")))
    words.update(word for path in paths for word in WORD.findall(Path(path).name))  # partials' point names
    return Repository(paths, {Path(path).name for path in paths}, words, identifiers, tests, targets, options)


@lru_cache(maxsize=None)
def tool_words() -> Set[str]:
    """The words of Cookiecutter's and cruft's code: the pages describe how they run (ExtensionLoaderMixin...)."""
    import cookiecutter
    import cruft
    return {word for package in (cookiecutter, cruft) for path in Path(package.__file__).parent.rglob("*.py")
            for word in WORD.findall(path.read_text(errors="replace"))}


@lru_cache(maxsize=None)
def repository_text() -> str:
    """The text of the template's tooling, hooks and update tool."""
    return "\n".join(path.read_text() for folder in ("spot_connector", "hooks", "tools")
                     for path in sorted((TEMPLATE_ROOT / folder).glob("*.py")))


@lru_cache(maxsize=None)
def python_text(workspace: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(workspace.rglob("*.py")) if "__pycache__" not in path.parts)


@lru_cache(maxsize=None)
def hummingbot_paths() -> Set[str]:
    """The paths of a hummingbot source tree, as the installed package lays them out under `hummingbot/`."""
    return {("hummingbot/" + path.relative_to(INSTALLED_PACKAGE).as_posix()).rstrip("/")
            for path in INSTALLED_PACKAGE.rglob("*") if "__pycache__" not in path.parts} | {"hummingbot"}


# Words in backticks that are not names of code, each with the reason it stands in the docs.
NOT_CODE = {
    "hummingbot/test/hummingbot/exchange": "the test folder the spec names, quoted to say the template does not use it",
    ".github/workflows/connector.yml": "the workflow file docs/ci.md tells you to create in your repository",
    "test_<name>_user_stream_data_source.py": "the file name hummingbot's connectors use, quoted to say the template "
                                              "keeps the spec's name",
    "DEFAULT DOMAIN": "the spec item as the spec spells it (the constant is DEFAULT_DOMAIN)",
    "REST_URLS": "the spec item as the spec spells it (the render keeps Binance's REST_URL)",
    "update_time_synchronizer": "a test group as the spec names it (the method is _update_time_synchronizer)",
    "update_order_fills": "a test group as the spec names it (the method is _update_order_fills_from_trades)",
    "update_order_status": "a test group as the spec names it (the method is _update_order_status)",
    "handshake_headers": "the value the architecture page's walkthrough adds to user_stream, as an example",
    "spot-connector.json": "Cookiecutter's replay file for this template, which Cookiecutter names after its folder",
    "origin/development": "hummingbot's development branch on GitHub, which its pull requests target and its CI "
                          "compares with",
    "pyproject.toml": "a file of a hummingbot checkout (its isort settings), named to say the checkout's own "
                      "configuration is used there",
    "make install": "a hummingbot checkout's own target, which makes its conda environment",
}
# Output of another program quoted as it prints it: what it names is what it could not find.
QUOTED_OUTPUT = re.compile(r"^\w+(Error|Exception): ")
# A span that is a placeholder alone (`<NAME>`) introduces the notation.
PLACEHOLDER_ONLY = re.compile(r"^<[^<>]+>$")
EXTENSIONS = r"(?:py|md|json|txt|yml|yaml|cfg|j2|pyx|pxd|ini|toml|rej|pth|sh|golden)"
TEST_REFERENCE = re.compile(r"([\w<>*./-]+\.py)::([\w<>*]+)")
OPTION_IN_SPAN = re.compile(r"(?:(?<=\s)|^)(--?[A-Za-z][\w-]*)")
MAKE_TARGET = re.compile(r"\bmake\s+(?:-C\s+\S+\s+)?(?:[A-Z_]+=\S+\s+)*([a-z][\w-]*)")
PATH = re.compile(rf"[\w.<>*~${{}}-]*/[\w.<>*/{{}},-]*|[\w<>*.-]+\.{EXTENSIONS}\b")
DOTTED = re.compile(r"[A-Za-z_*][\w*]*(?:\.[A-Za-z_*][\w*]*)*")
CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\*?$")
SYSTEM_TOOLS = ("diff", "git", "cp", "ls", "make")
PACKAGE_ROOTS = {"hummingbot", "test", "spot_connector"}


def fill_in(text: str, facts: Render) -> Optional[str]:
    """The placeholders of a page filled in from one render; None when the render has nothing to fill one with."""
    for placeholder, value in facts.placeholders().items():
        text = text.replace(placeholder, value)
    text = re.sub(rf"\b{EXAMPLE_NAME}\b", facts.name, text)  # the pages' example connector
    if re.search(r"<(extra|Extra|EXTRA)>", text):
        return None
    text = re.sub(r"<[^<>\s][^<>]*>", "*", text)  # any other placeholder: anything
    return re.sub(r"\.\.\.(?=_)", "*", text)       # `..._cancelled`: the end of a name given before


def is_code(word: str) -> bool:
    """A word that can only be code: snake_case, CamelCase, CAPITALS; a plain lowercase word may be English."""
    word = word.strip("*")
    return "_" in word or (len(word) > 1 and any(character.isupper() for character in word[1:]))


def matches(pattern: str, names: Iterable[str]) -> bool:
    if "*" not in pattern:
        return pattern in names
    regex = re.compile(fnmatch.translate(pattern))
    return any(regex.match(name) for name in names)


@lru_cache(maxsize=None)
def help_options(tool: str) -> Set[str]:
    """The options a system tool's own help lists (`git <command> -h`: `--help` would open the manual)."""
    words = tool.split()
    flag = "-h" if words[0] == "git" else "--help"
    result = subprocess.run([*words, flag], capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", result.stdout + result.stderr))


@lru_cache(maxsize=None)
def workspace_made_paths() -> Set[str]:
    """What running a standalone workspace makes in it (`.venv/`...), as its .gitignore lists it."""
    ignored = (TEMPLATE_ROOT / "{{cookiecutter.connector_name}}" / ".gitignore").read_text().splitlines()
    return {line.strip().rstrip("/") for line in ignored if line.strip() and not line.startswith("#")}


def regeneration_state_paths(name: str) -> Set[str]:
    """Where a render into a checkout keeps the connector's answers and checklist, as spot_connector/facts.py says."""
    folders = {f".git/{facts_module.STATE_IN_GIT_DIR}", facts_module.STATE_IN_GIT_DIR, facts_module.STATE_WITHOUT_GIT}
    folders = {folder.format(name=name) for folder in folders}
    files = (facts_module.STATE_ANSWERS_FILE, facts_module.CHECKLIST_FILE)
    return folders | {f"{folder}/{file}" for folder in folders for file in files}


class NameCheck:
    """Decides whether a name a page cites exists, given the renders and the repository."""

    def __init__(self, renders: List[Render]):
        self.renders = renders
        self.repository = repository()
        self.builtins = set(dir(builtins))

    # ---- one span ----
    def unknown_in_span(self, span: str) -> List[str]:
        """The names of a span that exist nowhere, filled in from the render that knows the most of them."""
        if QUOTED_OUTPUT.match(span) or span in NOT_CODE or PLACEHOLDER_ONLY.match(span):
            return []
        if span.startswith(("spot-connector: ", "conflict: ")):
            return []  # a line the template prints: tests/test_docs_refusals.py checks each against the code
        best = None
        for facts in self.renders:
            filled = fill_in(span, facts)
            if filled is None:
                continue
            unknown = self.unknown_in_filled_span(filled, facts)
            if best is None or len(unknown) < len(best):
                best = unknown
        return best if best is not None else [span]

    def unknown_in_filled_span(self, span: str, facts: Render) -> List[str]:
        unknown = []
        span = re.sub(r"\b[a-z+]+://\S*|\bgh:\S*", " ", span)  # URLs are answers, not names
        span = re.sub(r"\$\w+", " ", span)  # shell variables
        for file, test in TEST_REFERENCE.findall(span):
            if not self.test_exists(file, test, facts):
                unknown.append(f"{file}::{test}")
        span = TEST_REFERENCE.sub(" ", span)
        tool = next((tool for tool in SYSTEM_TOOLS if span.startswith(tool + " ")), None)
        for option in OPTION_IN_SPAN.findall(span):
            known = help_options(" ".join(span.split()[:2]) if tool == "git" else tool) if tool else set()
            if option not in known | self.repository.options:
                unknown.append(option)
        span = OPTION_IN_SPAN.sub(" ", span)
        for target in MAKE_TARGET.findall(span):
            if target not in self.repository.make_targets:
                unknown.append(f"make {target}")
        for path in PATH.findall(span):
            if not self.path_exists(path, facts):
                unknown.append(path)
        span = PATH.sub(" ", span)
        for token in DOTTED.findall(span):
            if any(is_code(part) for part in token.split(".")) and not self.name_exists(token, facts):
                unknown.append(token)
        return unknown

    # ---- files and tests ----
    def path_exists(self, path: str, facts: Render) -> bool:
        path = path.rstrip(",").rstrip("/")
        if path in NOT_CODE or not path or path.startswith(("~", "$", "/", "*", "./", "../")):
            return True  # the user's own folders (home, the output folder) are not names of the template
        braces = re.match(r"(.*?)\{([^{}]*,[^{}]*)\}(.*)", path)
        if braces:  # a brace list: every alternative must exist
            head, alternatives, tail = braces.groups()
            return all(self.path_exists(head + alternative + tail, facts) for alternative in alternatives.split(","))
        trees = (self.repository.paths, facts.paths, hummingbot_paths())
        if "/" not in path:
            return (any(matches(path, {Path(known).name for known in tree}) for tree in trees)
                    or self.path_in_repository(path) or self.spelled_by_the_template(path, facts))
        if matches(path, regeneration_state_paths(facts.name)):
            return True
        workspace = {f"{facts.name}/{known}" for known in facts.paths}  # a standalone workspace, by its folder
        workspace |= {f"{facts.name}/{made}" for made in workspace_made_paths()}  # and what its runs make there
        if (self.path_in_repository(path) or matches(path, facts.paths) or matches(path, workspace)
                or matches(path, hummingbot_paths())):
            return True
        parent, _, name = path.rpartition("/")
        return any(matches(parent, tree) for tree in trees) and self.spelled_by_the_template(name, facts)

    def path_in_repository(self, path: str) -> bool:
        """A file or folder of the template, or one its Makefile, MkDocs or .gitignore says a run makes there."""
        generated = re.findall(r"[\w.-]+(?:/[\w.-]+)*", "".join(
            (TEMPLATE_ROOT / name).read_text() for name in (".gitignore", "Makefile", "mkdocs.yml")))
        return matches(path, self.repository.paths) or path in generated

    def spelled_by_the_template(self, name: str, facts: Render) -> bool:
        """A file name the template's code writes (`.spot-connector-render-in-progress`): its code spells it."""
        pieces = [re.escape(piece) for piece in name.replace(facts.name, "*").split("*")]
        return re.search(r"[^\s\"']*".join(pieces), repository_text()) is not None

    def test_exists(self, file: str, test: str, facts: Render) -> bool:
        if file.startswith("tests/"):
            return file in self.repository.tests and matches(test, self.repository.tests[file])
        module = facts.module(Path(file).stem)
        return module is not None and matches(test, set(module["names"]) | set(module["members"]))

    # ---- names ----
    def name_exists(self, token: str, facts: Render) -> bool:
        parts = token.split(".")
        if parts[0] in PACKAGE_ROOTS and len(parts) > 1:  # a module path: the module, or a module and its member
            return (self.module_path_exists(token, facts)
                    or bool(self.member_exists(".".join(parts[:-1]), parts[-1], facts)))
        if len(parts) > 1:
            owner, member = ".".join(parts[:-1]), parts[-1]
            resolved = self.member_exists(owner, member, facts)
            if resolved is not None:
                return resolved
            if self.module_path_exists(token, facts):
                return True
            return all(self.word_exists(part, facts) for part in parts if is_code(part))
        return self.word_exists(token, facts)

    def member_exists(self, owner: str, member: str, facts: Render) -> Optional[bool]:
        """None when the owner is not something the renders know (a module, a class); else whether it has it."""
        module = facts.module(owner)
        if module is not None:
            return matches(member, module["names"])
        cls = facts.classes.get(owner) or next(
            (cls for key, cls in facts.classes.items() if key.rsplit(".", 1)[-1] == owner), None)
        if cls is not None:
            # an instance attribute the rendered code sets (`self.real_time_balance_update = False`)
            return matches(member, cls["all"]) or f"self.{member} =" in python_text(facts.workspace)
        if self.module_path_exists(owner, facts):
            return matches(member, self.module_names(owner, facts)) or self.module_path_exists(
                f"{owner}.{member}", facts)
        return None

    def module_path_exists(self, dotted: str, facts: Render) -> bool:
        if dotted in facts.modules:
            return True
        relative = dotted.replace(".", "/")
        return any(matches(candidate, paths) for candidate, paths in (
            (relative + ".py", facts.paths), (relative, facts.paths), (relative + ".py", hummingbot_paths()),
            (relative, hummingbot_paths()), (relative + ".py", self.repository.paths),
            (relative, self.repository.paths)))

    def module_names(self, dotted: str, facts: Render) -> Set[str]:
        if dotted in facts.modules:
            return set(facts.modules[dotted]["names"])
        for base in (facts.workspace, INSTALLED_PACKAGE.parent, TEMPLATE_ROOT):
            path = base / (dotted.replace(".", "/") + ".py")
            if path.is_file():
                return python_identifiers(path.read_text()) | {"__path__", "__file__", "__name__"}
            if (base / dotted.replace(".", "/") / "__init__.py").is_file():
                return {"__path__", "__file__", "__name__"}
        return set()

    def word_exists(self, word: str, facts: Render) -> bool:
        if word in NOT_CODE:
            return True
        if word.startswith("test_") and not CONSTANT.match(word):  # a test: defined as one
            return (matches(word, facts.tests()) or any(matches(word, tests)
                                                        for tests in self.repository.tests.values()))
        everywhere = facts.words | facts.names() | self.builtins | tool_words() | self.repository.identifiers
        if matches(word, everywhere):
            return True
        # A constant must be one the renders or the template's code use, not a word in a string of the tooling.
        return not CONSTANT.match(word) and matches(word, self.repository.words)


@pytest.fixture(scope="module")
def name_check(renders) -> NameCheck:
    return NameCheck(renders)


def tree_entries(block: Block) -> List[str]:
    """The names of a file tree drawn in a ```text block (├── lines), comments left out."""
    entries = []
    for line in block.text.splitlines():
        match = re.match(r"^[\s│├└─]*([^#\s][^#]*?)\s*(?:#.*)?$", line)
        if match and re.search(r"[├└]|^\S+/\s*(#|$)", line):
            entries += [entry.strip() for entry in match.group(1).split(",") if entry.strip()]
    return entries


@pytest.mark.parametrize("page", PAGES, ids=page_name)
def test_every_name_the_page_cites_exists(page, name_check):
    unknown = []
    for line, span in code_spans(page):
        missing = name_check.unknown_in_span(span)
        if missing:
            unknown.append(f"{page_name(page)}:{line}: `{span}`: {', '.join(missing)}")
    for block in read_page(page)[1]:
        if block.language == "text" and re.search(r"[├└]", block.text):
            for entry in tree_entries(block):
                missing = name_check.unknown_in_span(entry.rstrip("/").rsplit("/", 1)[-1])
                if missing:
                    unknown.append(f"{block.page}:{block.line}: the tree's {entry}: {', '.join(missing)}")
    assert unknown == [], "names the page cites that exist nowhere (fix the page, or add a word that is not " \
                          "code to NOT_CODE with the reason):\n" + "\n".join(unknown)


def test_the_words_that_are_not_code_are_still_cited():
    cited = [span for path in PAGES for _, span in code_spans(path)]
    stale = [entry for entry in NOT_CODE if not any(entry in span for span in cited)]
    assert stale == [], "NOT_CODE entries no page cites any more: remove them"


# ---- values: an assignment or a pin a page quotes is the one the code has ----
ASSIGNMENT = re.compile(r"^(?P<name>[\w.<>]+?)(?:: \w+)? = (?P<value>.+)$")
PIN = re.compile(r"^(?P<package>[A-Za-z][\w.-]*)(?P<specifier>(?:==|<=|>=|<|>)[\w.]+)$")


def assigned_values(name: str, text: str) -> List[str]:
    """What follows `name =` (or `name: type =`) in a text, whitespace removed."""
    lines = re.sub(r"[ \t]+", "", text)  # spaces out, line ends kept: a name starts after one
    return [lines[match.end():match.end() + 2000].replace("\n", "")
            for match in re.finditer(rf"(?<![\w.]){re.escape(name)}(?::[^=\n]+)?=(?!=)", lines)]


def value_pattern(value: str) -> re.Pattern:
    """The quoted value, whitespace removed; `...` (or a placeholder left) stands for anything."""
    pieces = re.split(r"\.\.\.|\*", re.sub(r"\s+", "", value))
    return re.compile(".*?".join(re.escape(piece) for piece in pieces))


def requirement_pins() -> Dict[str, str]:
    pins = dict(re.findall(r"^([A-Za-z][\w.-]*)==(\S+)$", (TEMPLATE_ROOT / "requirements.txt").read_text(),
                           re.MULTILINE))
    pins["hummingbot"] = re.search(r"^HUMMINGBOT_VERSION := (\S+)$", (TEMPLATE_ROOT / "Makefile").read_text(),
                                   re.MULTILINE).group(1)
    return {normalised(package): version for package, version in pins.items()}


def normalised(package: str) -> str:
    return package.lower().replace("_", "-")


def test_every_pin_the_pages_give_is_the_templates():
    """`package==version` anywhere in the pages (commands and workflows too) is a pin of requirements.txt or the
    Makefile; `package<version` in a code span holds for the pinned version."""
    pins = requirement_pins()
    wrong, checked = [], 0
    for page in PAGES:
        text = page.read_text()
        for package, version in re.findall(r"(?<![\w.-])([A-Za-z][\w.-]*)==([\w.]+)", text):
            if normalised(package) in pins:
                checked += 1
                if pins[normalised(package)] != version:
                    wrong.append(f"{page_name(page)}: {package}=={version}, but the pin is {pins[normalised(package)]}")
        for line, span in code_spans(page):
            pin = PIN.match(span)
            if pin and normalised(pin.group("package")) in pins and "==" not in span:
                checked += 1
                if pins[normalised(pin.group("package"))] not in SpecifierSet(pin.group("specifier")):
                    wrong.append(f"{page_name(page)}:{line}: `{span}`, but the pin is "
                                 f"{pin.group('package')}=={pins[normalised(pin.group('package'))]}")
    assert checked >= 5
    assert wrong == []


def test_every_value_the_pages_quote_is_the_codes(renders):
    """`NAME = value` as a render has it, the answers filled in."""
    texts = {facts.answer_set: "\n".join(path.read_text() for path in sorted(facts.workspace.rglob("*"))
                                         if path.is_file() and path.suffix in {".py", ".cfg"})
             for facts in renders}
    checked, wrong = 0, []
    for page in PAGES:
        for line, span in code_spans(page):
            assignment = ASSIGNMENT.match(span)
            if not assignment:
                continue
            found = []  # (values the renders assign, whether the quoted one is among them)
            for facts in renders:
                filled = fill_in(span, facts)
                if filled is None:
                    continue
                filled = ASSIGNMENT.match(filled)
                values = assigned_values(filled.group("name").rsplit(".", 1)[-1], texts[facts.answer_set])
                pattern = value_pattern(filled.group("value"))
                found.append((values, any(pattern.match(value) for value in values)))
            if any(values for values, _ in found):  # assigned in the code: the value must be the code's
                checked += 1
                if not any(ok for _, ok in found):
                    shown = next(values for values, _ in found if values)[0][:60]
                    wrong.append(f"{page_name(page)}:{line}: `{span}`, but the code has {shown}...")
    assert checked >= 10
    assert wrong == []


# ---- the spec map's "inherited" and "defined" ----
SPEC_MAP = DOCS / "spec-map.md"
CLAIM = re.compile(r"^(?:both )?(inherited|defined)((?:, (?:inherited|defined))*)\b")


def spec_map_claims() -> List[Tuple[str, str, str]]:
    """(class, member, "inherited" or "defined") for each row of the Build Process tables that says which."""
    claims = []
    for heading, body in sections(SPEC_MAP.read_text(), "### "):
        owner = re.search(r"`(<Prefix>\w+)`", body)
        for table in tables(body):
            for row in table[1:]:
                if len(row) < 2 or not CLAIM.match(row[1]) or not owner:
                    continue
                match = CLAIM.match(row[1])
                words = [match.group(1)] + re.findall(r"inherited|defined", match.group(2))
                members = [name for name in re.findall(r"`(\w+)`(?!:)", row[0])]
                pairs = zip(members, words) if len(words) == len(members) else ((name, words[0]) for name in members)
                claims += [(owner.group(1), member, word) for member, word in pairs]
    return claims


def test_the_spec_map_says_inherited_and_defined_where_the_code_does(renders):
    claims = spec_map_claims()
    assert len(claims) >= 10, claims
    wrong = []
    for owner, member, claim in claims:
        classes = [facts.classes.get(owner.replace("<Prefix>", class_prefix(facts.name))) for facts in renders]
        classes = [cls for cls in classes if cls and member in cls["all"]]
        if not classes:
            wrong.append(f"{owner}.{member}: no render has it")
        elif claim == "defined" and not any(member in cls["own"] for cls in classes):
            wrong.append(f"{owner}.{member}: said to be defined, but every render inherits it")
        elif claim == "inherited" and any(member in cls["own"] for cls in classes):
            wrong.append(f"{owner}.{member}: said to be inherited, but a render defines it")
    assert wrong == []


# ==================================================================================================== commands
# Every command of the ```bash blocks runs for real in a folder of its own, the pages' placeholders filled in:
# `gh:org/spot-connector` and the clone URL are a git repository holding the template as it is here, and
# `/path/to/hummingbot` (or `~/hummingbot`) a hummingbot checkout made from the installed package (tests/checkout.py).
# HOME is a folder of the run's own, so Cookiecutter's files and `~` stay inside it.
TEMPLATE_URLS = re.compile(r"gh:org/spot-connector|https://github\.com/org/spot-connector(?:\.git)?")
CHECKOUT_PATH = "/path/to/hummingbot"

# How each command runs. A command no entry matches fails test_every_command_is_classified.
RUNS = [
    (r"cd \S+$", "changes the folder the next commands run in"),
    (r"cookiecutter\b", "renders the template; one written to ask its questions runs with --no-input added, which "
                        "answers every question with its default, as pressing Enter does"),
    (r"cruft (check|diff|update)$", "cruft on the standalone workspace"),
    (r"python -m pytest\b", "the rendered connector's own tests"),
    (r"python \S*tools/update_connector\.py ", "the update tool"),
    (r"python -c '", "a Python one-liner"),
    (r"[A-Z_]+=\$\(python -c '", "a Python one-liner whose output a shell variable keeps"),
    (r"make\b", "a Makefile target (see MAKE_TARGETS_CHANGED)"),
    (r"git (init|add|commit)\b", "git in the workspace"),
    (r"git clone \S+", "git clone of the template; the clone gets the pinned environment the tests run in as its "
                       ".venv, as `make venv` would build it, so that make does not install anything"),
    (r"(flake8|isort) ", "lint with the workspace's hummingbot settings"),
    (r"(cp|ls) ", "file commands in the clone of the template"),
    (r"mkdir -p ", "makes a folder (the state folder of a checkout's connector)"),
]
# Commands that cannot run here, with the reason. Each must still be in the pages.
CANNOT_RUN = [
    (r"(python -m )?pip install\b", "installs from the network into an environment; the tests run in the pinned "
                                    "environment `make venv` built from the same requirements"),
    (r"python3\.11 -m venv \S+$", "makes a new environment for the installs above"),
    (r"\. \S+/bin/activate$", "activates that environment"),
    (r"conda activate \S+$", "activates a checkout's conda environment; there is no conda here"),
    (r"make -C \S+ test gates HUMMINGBOT_ROOT=", "the gates in a checkout run the checkout's pre-commit hooks, which "
                                                "pre-commit fetches from GitHub; tests/test_workspace_tooling.py runs "
                                                "the gates against a checkout's configuration"),
]
# Makefile targets that run with something changed, and why.
MAKE_TARGETS_CHANGED = {
    "test": ("-n", "the whole suite, this test included (about 8 minutes): `make -n test` checks the target and "
                   "prints its recipe without running it"),
    "benchmark": ("ARGS='--runs 1 --rounds 1 --messages 500'", "the full measurement takes over a minute; one "
                                                               "render, one round and few messages run every step"),
}
# Where a block starts when not in an empty folder. A block that goes on from an earlier one (its folder, its files,
# its working folder) names it; the others name the state the page's prose gives them. Blocks are named by page and
# first line.
CONTINUES = {
    "docs/quickstart.md: python -m pytest test/hummingbot/connector/exchange/<connector_name>":
        "docs/quickstart.md: cd /path/to/hummingbot",
    "docs/quickstart.md: cd my_exchange && make test":
        "docs/quickstart.md: cookiecutter --no-input gh:org/spot-connector connector_name=my_exchange "
        "user_stream=ws_api extra_api_keys=passphrase",
    "docs/quickstart.md: make gates": "docs/quickstart.md: cd my_exchange && make test",
    "docs/troubleshooting.md: flake8 --config setup.cfg . && isort --settings-path setup.cfg --check-only --diff .":
        "docs/quickstart.md: make gates",
    "docs/updating.md: python ~/spot-connector/tools/update_connector.py ~/hummingbot my_exchange --checkout v1.2.0":
        "docs/updating.md: git clone https://github.com/org/spot-connector ~/spot-connector",
}
STARTS = {
    # "Working on the template itself": in a clone of it.
    "docs/architecture.md: cp -r templates/user_stream/ws_login templates/user_stream/handshake_headers": "clone",
    # A standalone workspace rendered earlier (the quick start's my_exchange), with its .cruft.json.
    "docs/updating.md: cruft check": "workspace in it",
    "docs/updating.md: python -c 'import json, sys": "workspace",
    "docs/updating.md: ANSWERS=$(python -c 'import json, sys": "workspace",
    # The quick start's workspace my_exchange beside a checkout at ~/hummingbot it moves into.
    "docs/quickstart.md: mkdir -p ~/hummingbot/.git/spot-connector/my_exchange": "workspace and checkout",
    # A checkout at ~/hummingbot holding my_exchange, rendered into it earlier.
    "docs/updating.md: git clone https://github.com/org/spot-connector ~/spot-connector": "checkout",
}
# The command that sets each start up, in the run's folder (`$DOCS_TEMPLATE` is the template's repository).
START_COMMANDS = {
    "folder": [],
    "clone": ["git clone --quiet \"$DOCS_TEMPLATE\" spot-connector", "provide_pinned_environment spot-connector",
              "cd spot-connector"],
    "workspace": [f"cookiecutter --no-input \"$DOCS_TEMPLATE\" connector_name={EXAMPLE_NAME}"],
    "workspace in it": [f"cookiecutter --no-input \"$DOCS_TEMPLATE\" connector_name={EXAMPLE_NAME}", f"cd {EXAMPLE_NAME}"],
    "workspace and checkout": ["make_checkout \"$HOME/hummingbot\"",
                               f"cookiecutter --no-input \"$DOCS_TEMPLATE\" connector_name={EXAMPLE_NAME}"],
    "checkout": ["make_checkout \"$HOME/hummingbot\"",
                 f"cookiecutter --no-input --output-dir ../out \"$DOCS_TEMPLATE\" connector_name={EXAMPLE_NAME} "
                 "hummingbot_root=\"$HOME/hummingbot\""],
}


def strip_comment(command: str) -> str:
    """The command without a trailing `# comment` (a `#` inside quotes, or inside a word, stays)."""
    quote, previous = None, " "
    for index, character in enumerate(command):
        if quote:
            quote = None if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character == "#" and previous.isspace():
            return command[:index].rstrip()
        previous = character
    return command.rstrip()


def logical_commands(block: Block) -> List[str]:
    """The block's commands: a line, or lines joined by a trailing backslash or an open quote; comments left out."""
    commands, current = [], ""
    for line in block.text.splitlines():
        current = f"{current}\n{line}" if current else line
        if current.rstrip().endswith("\\"):
            continue
        try:
            shlex.split(current, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        if strip_comment(current).strip():
            commands.append(strip_comment(current).strip())
        current = ""
    assert not current, f"{block.page}:{block.line}: a command does not end: {current!r}"
    return commands


def simple_commands(command: str) -> List[Tuple[str, str]]:
    """(simple command, the `&&`, `||` or `;` after it) of a command line, quotes and $( ) respected."""
    parts, current, quote, depth, index = [], "", None, 0, 0
    while index < len(command):
        character = command[index]
        if quote:
            quote = None if character == quote else quote
        elif character in "'\"":
            quote = character
        elif command.startswith("$(", index):
            depth += 1
        elif character == ")" and depth:
            depth -= 1
        elif not depth and (command.startswith("&&", index) or command.startswith("||", index)):
            parts.append((" ".join(current.split()), command[index:index + 2]))
            current, index = "", index + 2
            continue
        elif not depth and character == ";":
            parts.append((" ".join(current.split()), ";"))
            current, index = "", index + 1
            continue
        current += character
        index += 1
    return parts + [(" ".join(current.split()) if "\n" not in current else current.strip(), "")]


def classify(simple: str) -> Tuple[str, str]:
    """("run" or "cannot run" or "unclassified", the reason)."""
    for pattern, reason in CANNOT_RUN:
        if re.match(pattern, simple):
            return "cannot run", reason
    for pattern, reason in RUNS:
        if re.match(pattern, simple):
            return "run", reason
    return "unclassified", ""


def block_key(block: Block) -> str:
    """A block by its page and its first line (without its comment)."""
    return f"{block.page}: {' '.join(strip_comment(block.text.splitlines()[0]).split())}"


def bash_blocks() -> List[Block]:
    return blocks("bash")


@dataclass
class Session:
    """Blocks run one after the other in one folder and one shell, from a start."""
    start: str
    blocks: List[Block]

    @property
    def name(self) -> str:
        return f"{self.blocks[0].page}:{self.blocks[0].line}"

    def commands(self) -> List[Tuple[Block, str]]:
        return [(block, command) for block in self.blocks for command in logical_commands(block)]


def sessions() -> List[Session]:
    found: List[Session] = []
    by_block: Dict[str, Session] = {}
    for block in bash_blocks():
        key = block_key(block)
        if key in CONTINUES and CONTINUES[key] in by_block:
            session = by_block[CONTINUES[key]]
            session.blocks.append(block)
        else:
            session = Session(STARTS.get(key, "folder"), [block])
            found.append(session)
        by_block[key] = session
    return found


def runnable(simple: str) -> str:
    """The simple command as it runs here: placeholders filled in, changed as RUNS and MAKE_TARGETS_CHANGED say."""
    kind, reason = classify(simple)
    if kind != "run":
        return "printf '%s\\n' " + shlex.quote(f"not run here: {simple} ({reason})")
    command = TEMPLATE_URLS.sub('"$DOCS_TEMPLATE"', simple).replace(CHECKOUT_PATH, '"$DOCS_CHECKOUT"')
    command = command.replace("<connector_name>", DEFAULT_NAME)
    if command.startswith("cookiecutter ") and not re.search(r"--no-input|--replay", command):
        command = command.replace("cookiecutter ", "cookiecutter --no-input ", 1)
    target = re.match(r"make (?:-C \S+ )?([a-z][\w-]*)", command)
    if target and target.group(1) in MAKE_TARGETS_CHANGED:
        command = command.replace("make ", f"make {MAKE_TARGETS_CHANGED[target.group(1)][0]} ", 1)
    clone = re.match(r"git clone (\S+)(?: (\S+))?$", command)
    if clone:
        destination = clone.group(2) or "spot-connector"
        command = f"{command} && provide_pinned_environment {destination}"
    return command


def runnable_command(command: str) -> str:
    return "".join(f"{runnable(simple)} {separator} " for simple, separator in simple_commands(command)).strip()


def session_key(session: Session) -> Tuple[str, Tuple[str, ...]]:
    """What a session runs: its start and its simple commands as they run, for finding sessions that run the same."""
    return session.start, tuple(runnable(simple) for _, command in session.commands()
                                for simple, _ in simple_commands(command))


SCRIPT_HEAD = textwrap.dedent("""
    provide_pinned_environment() {  # what `make venv` builds: links to the environment these tests run in
        mkdir -p "$1/.venv"
        for entry in "$DOCS_VENV"/* "$DOCS_VENV"/.[!.]*; do
            [ -e "$entry" ] && [ "$(basename "$entry")" != .installed ] && ln -s "$entry" "$1/.venv/"
        done
        touch "$1/.venv/.installed"
    }
    make_checkout() {  # a hummingbot checkout laid out from the installed package (tests/checkout.py)
        PYTHONPATH="$DOCS_TESTS:$(dirname "$DOCS_TESTS")" python -c 'import sys, pathlib
    from checkout import make_hummingbot_checkout
    make_hummingbot_checkout(pathlib.Path(sys.argv[1]))' "$1"
    }
""")


def session_script(session: Session) -> Tuple[str, List[str]]:
    """The bash script of a session and the command (as the page writes it) each numbered step runs."""
    steps = [f"(start: {session.start}) {command}" for command in START_COMMANDS[session.start]]
    lines = list(START_COMMANDS[session.start])
    for block, command in session.commands():
        steps.append(f"{block.page}:{block.line}: {command}")
        lines.append(runnable_command(command))
    if CHECKOUT_PATH in "".join(command for _, command in session.commands()):
        steps.insert(0, "(start) a hummingbot checkout for /path/to/hummingbot")
        lines.insert(0, 'make_checkout "$DOCS_CHECKOUT"')
    script = SCRIPT_HEAD
    for number, line in enumerate(lines):
        script += f"printf '\\n@@@ step {number}\\n'\n{line}\nstatus=$?\n"
        script += (f"if [ $status -ne 0 ]; then printf '\\n@@@ step {number} failed with %s\\n' $status; "
                   "exit $status; fi\n")
    return script, steps


@dataclass
class SessionRun:
    returncode: int
    output: str
    steps: List[str]
    sandbox: Path

    def failure(self) -> str:
        failed = re.search(r"@@@ step (\d+) failed with (\d+)", self.output)
        if not failed:
            return f"exit status {self.returncode}\n{self.output[-4000:]}"
        step = int(failed.group(1))
        own_output = self.output.split(f"@@@ step {step}\n", 1)[-1]
        return f"{self.steps[step]}\nfailed with exit status {failed.group(2)}:\n{own_output[-4000:]}"


def template_repository(folder: Path) -> Path:
    """The template as it is here, committed in a git repository, with the tags the pages' commands check out."""
    repository = folder / "spot-connector"
    shutil.copytree(clean_template(), repository)
    git_env = dict(os.environ, **GIT_IDENTITY, GIT_CONFIG_NOSYSTEM="1", HOME=str(folder))
    for command in (["init", "--quiet", "--initial-branch=main"], ["add", "-A"],
                    ["commit", "--quiet", "-m", "template"]):
        subprocess.run(["git", *command], cwd=repository, env=git_env, check=True, capture_output=True)
    tags = {tag for block in bash_blocks() for command in logical_commands(block)
            for tag in re.findall(r"--checkout (v[\w.]+)", command)}
    for tag in sorted(tags):
        subprocess.run(["git", "tag", tag], cwd=repository, env=git_env, check=True, capture_output=True)
    return repository


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "docs test", "GIT_AUTHOR_EMAIL": "docs@example.com",
                "GIT_COMMITTER_NAME": "docs test", "GIT_COMMITTER_EMAIL": "docs@example.com"}


def run_session(session: Session, template: Path, sandbox: Path) -> SessionRun:
    home, work = sandbox / "home", sandbox / "work"
    home.mkdir(parents=True)
    work.mkdir()
    script, steps = session_script(session)
    env = dict(workspace_env(), **GIT_IDENTITY, HOME=str(home), DOCS_TEMPLATE=str(template),
               DOCS_CHECKOUT=str(sandbox / "hummingbot"), DOCS_VENV=str(VENV_BIN.parent.resolve()),
               GIT_CONFIG_NOSYSTEM="1",
               # HOME is the run's own, but pip's cache stays the machine's: a fresh workspace's `make test` then
               # takes hummingbot's wheel from it instead of compiling the sdist again (a cold cache compiles once)
               PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
               NO_MKDOCS_2_WARNING="1", DOCS_TESTS=str(Path(__file__).resolve().parent))
    result = subprocess.run(["bash", "-c", script], cwd=work, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    return SessionRun(result.returncode, result.stdout, steps, sandbox)


SESSIONS = sessions()


@pytest.fixture(scope="module")
def command_runs(tmp_path_factory) -> Dict[str, Tuple[str, SessionRun]]:
    """Every session that runs something of its own, two at a time; the others are covered by one of them."""
    template = template_repository(tmp_path_factory.mktemp("template-repository"))
    keys = {session.name: session_key(session) for session in SESSIONS}
    covering: Dict[str, str] = {}
    for session in SESSIONS:  # the longest session that starts the same and runs these commands first
        start, commands = keys[session.name]
        candidates = [other for other in SESSIONS
                      if keys[other.name][0] == start and keys[other.name][1][:len(commands)] == commands]
        covering[session.name] = min(candidates, key=lambda other: (-len(keys[other.name][1]), other.name)).name
    runs: Dict[str, SessionRun] = {}
    own = [session for session in SESSIONS if covering[session.name] == session.name]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {session.name: pool.submit(run_session, session, template, tmp_path_factory.mktemp("commands"))
                   for session in own}
        runs = {name: future.result() for name, future in futures.items()}
    return {session.name: (covering[session.name], runs[covering[session.name]]) for session in SESSIONS}


def test_every_command_is_classified():
    unclassified = [f"{block.page}:{block.line}: {simple}" for block in bash_blocks()
                    for command in logical_commands(block) for simple, _ in simple_commands(command)
                    if classify(simple)[0] == "unclassified"]
    assert unclassified == [], "commands no entry of RUNS or CANNOT_RUN matches: add one, saying how it runs here " \
                               "or why it cannot"


def test_every_exception_is_still_in_the_pages():
    simples = [simple for block in bash_blocks() for command in logical_commands(block)
               for simple, _ in simple_commands(command)]
    stale = [pattern for pattern, _ in CANNOT_RUN if not any(re.match(pattern, simple) for simple in simples)]
    stale += [f"make {target}" for target in MAKE_TARGETS_CHANGED
              if not any(re.match(rf"make (-C \S+ )?{target}\b", simple) for simple in simples)]
    keys = {block_key(block) for block in bash_blocks()}
    stale += [key for key in list(CONTINUES) + list(CONTINUES.values()) + list(STARTS) if key not in keys]
    assert stale == [], "exceptions that match no command or block of the pages any more: remove them"


def test_every_make_target_the_pages_run_exists():
    """Each is a target of the template's Makefile or of the rendered workspace's."""
    targets = {target for makefile in MAKEFILES
               for target in re.findall(r"^([a-z][\w-]*):", (TEMPLATE_ROOT / makefile).read_text(), re.MULTILINE)}
    named = {match for block in bash_blocks() for command in logical_commands(block)
             for match in re.findall(r"\bmake (?:-C \S+ )?([a-z][\w-]*)", command)}
    assert named and sorted(named - targets) == []


@pytest.mark.parametrize("session", SESSIONS, ids=lambda session: session.name)
def test_the_commands_of_the_pages_run(session, command_runs):
    covered_by, run = command_runs[session.name]
    # A session whose commands begin another's, from the same start, is run as that one (covered_by).
    assert run.returncode == 0, (f"run as {covered_by}: " if covered_by != session.name else "") + run.failure()


def test_the_documented_test_count_is_the_default_renders(command_runs):
    """The pages say how many tests the default render runs: `make demo` runs them."""
    demo = [run for covered_by, run in command_runs.values() if "make demo" in "\n".join(run.steps)]
    assert demo, "no documented command runs `make demo`"
    counts = re.findall(r"=+ (\d+) passed", demo[0].output)
    assert counts, demo[0].output[-3000:]
    claims = [(page_name(page), number) for page in PAGES if page.name != "benchmarks.md"  # a recorded run
              for number in re.findall(r"`(\d+) passed`|runs (\d+) tests", page.read_text())]
    claims = [(page, first or second) for page, (first, second) in claims]
    assert claims
    assert [claim for claim in claims if claim[1] != counts[0]] == [], f"the default render runs {counts[0]} tests"


def test_the_documentation_site_builds_strict(command_runs):
    """`make docs` (mkdocs build --strict: a broken link or anchor fails) is one of the documented commands."""
    docs = [run for _, run in command_runs.values() if any(step.endswith("make docs") for step in run.steps)]
    assert docs, "no documented command runs `make docs`"
    assert "Documentation built" in docs[0].output
