"""
Fidelity to hummingbot's Binance connector: each rendered connector module is compared with the Binance module of the
installed hummingbot (the pinned release), read from the installed package, never from a copy in this repository.

What is compared, by reading both sources with `ast`:

- module-level constants and their types (`str`, `int`, `dict`, `list`, the class a call builds, ...);
- classes (with their bases), class attributes and their types;
- functions and methods: their kind (`async`, `property`, `classmethod`, ...) and parameter names;
- the `ORDER_STATE` map: every exchange state and the `OrderState` it maps to;
- message shapes: the keys of every dict literal built inside a function (order book messages, subscription payloads,
  request parameters). A key read from the constants module (`CONSTANTS.API_KEY_HEADER`) counts as its value.

Names are compared with the connector's names in Binance's place (`Binance` -> `<Prefix>`, `BINANCE` -> `<NAME>`,
`binance` -> `<name>`). Two renders are compared: the defaults, and the answers that match Binance today
(`user_stream=ws_api`, with time synchronisation and a balance channel, as by default). Every difference must be a
row of the "Deviations from Binance" table in docs/spec-map.md, whose `answers` column says in which renders it
appears; a row that no longer matches a difference fails as well, so the table is always the exact list.

Also here, over every answer set of the golden renders: no rendered file starts with a blank line, every constant of
the constants module is used by another rendered module or test, and every function parameter is used in its body
unless hummingbot dictates it (a method its hummingbot base class has, or a web utils argument hummingbot passes).
"""
import ast
import importlib
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

from golden_renders import ANSWER_SETS
from rendering import CONNECTOR_DIR, TEMPLATE_ROOT, TEST_DIR, render

from spot_connector.answers import class_prefix

BINANCE_PACKAGE = "hummingbot.connector.exchange.binance"
MODULES = ("constants", "web_utils", "auth", "utils", "exchange", "order_book", "api_order_book_data_source",
           "api_user_stream_data_source")
TEMPLATE_DEFAULTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
DEFAULT_ANSWERS = {key: value[0] if isinstance(value, list) else value for key, value in TEMPLATE_DEFAULTS.items()
                   if not key.startswith("_")}
# The renders compared with Binance: the defaults, and the answers that match Binance's connector today.
RENDERS = {
    "defaults": {},
    "binance-shaped": dict(user_stream="ws_api", time_synchronizer=True, balance_channel=True, extra_api_keys=""),
}
SPEC_MAP = TEMPLATE_ROOT / "docs" / "spec-map.md"
DEVIATIONS_HEADING = "## Deviations from Binance"
KINDS = ("constant", "class", "class attribute", "function", "method", "state", "message")
DECORATOR_KINDS = ("property", "staticmethod", "classmethod")

Shape = Dict[Tuple[str, str], str]  # (name, kind) -> what it is (a type, a signature, a state)


# ---- reading a module's shape ----
class Naming:
    """Puts `<Prefix>`, `<NAME>` and `<name>` where a connector's own name appears in an identifier."""

    def __init__(self, name: str, prefix: str):
        self.name, self.prefix = name, prefix

    def __call__(self, text: str) -> str:
        return text.replace(self.prefix, "<Prefix>").replace(self.name.upper(), "<NAME>").replace(self.name, "<name>")


BINANCE = Naming("binance", "Binance")


def binance_source(module: str) -> str:
    return Path(importlib.util.find_spec(f"{BINANCE_PACKAGE}.binance_{module}").origin).read_text()


def string_constants(constants_source: str) -> Dict[str, str]:
    """The constants module's string constants: a dict key read from there counts as its value."""
    values = {}
    for node in ast.parse(constants_source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            values.update({target.id: node.value.value for target in node.targets if isinstance(target, ast.Name)})
    return values


def _dotted(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return owner and f"{owner}.{node.attr}"
    return None


def value_type(node: Optional[ast.AST], known: Dict[str, str], naming: Naming) -> str:
    """What a constant's value is: a literal's type, the class a call builds, or the type of the name it copies."""
    if node is None:
        return "unassigned"
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    if isinstance(node, ast.JoinedStr):
        return "str"
    for types, name in (((ast.Dict, ast.DictComp), "dict"), ((ast.List, ast.ListComp), "list"),
                        ((ast.Tuple,), "tuple"), ((ast.Set, ast.SetComp), "set")):
        if isinstance(node, types):
            return name
    if isinstance(node, ast.UnaryOp):
        return value_type(node.operand, known, naming)
    if isinstance(node, ast.BinOp):
        left, right = value_type(node.left, known, naming), value_type(node.right, known, naming)
        if {left, right} <= {"int", "float"}:
            return "float" if isinstance(node.op, ast.Div) or "float" in (left, right) else "int"
        return left if left == right else f"{left} {type(node.op).__name__} {right}"
    if isinstance(node, ast.Call):
        return naming(_dotted(node.func) or "call")
    dotted = _dotted(node)
    if dotted is not None:
        return known.get(dotted, naming(dotted))
    return type(node).__name__


def signature(function: ast.AST, naming: Naming) -> str:
    """A function's kind (async, property, staticmethod, classmethod) and parameter names: `async (self, ws)`."""
    kinds = ["async"] if isinstance(function, ast.AsyncFunctionDef) else []
    kinds += [name for name in map(_dotted, function.decorator_list) if name in DECORATOR_KINDS]
    kind = " ".join(kinds)
    arguments = function.args
    names = [argument.arg for argument in [*arguments.posonlyargs, *arguments.args]]
    names += [f"*{arguments.vararg.arg}"] if arguments.vararg else []
    names += [argument.arg for argument in arguments.kwonlyargs]
    names += [f"**{arguments.kwarg.arg}"] if arguments.kwarg else []
    return f"{kind + ' ' if kind else ''}({', '.join(naming(name) for name in names)})"


def _assignments(node: ast.AST) -> List[Tuple[str, Optional[ast.AST]]]:
    if isinstance(node, ast.Assign):
        return [(target.id, node.value) for target in node.targets if isinstance(target, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, node.value)]
    return []


def message_keys(tree: ast.AST, constants: Dict[str, str]) -> Set[str]:
    """Every dict literal built inside a function whose keys are all known strings, as `{"a", "b"}`."""
    shapes = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Dict) or not node.keys:
                continue
            keys = []
            for key in node.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.append(key.value)
                elif (isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name)
                      and key.value.id == "CONSTANTS" and key.attr in constants):
                    keys.append(constants[key.attr])
                else:
                    break
            else:
                shapes.add("{" + ", ".join(f'"{key}"' for key in sorted(keys)) + "}")
    return shapes


def module_shape(source: str, naming: Naming, constants: Dict[str, str],
                 constant_types: Optional[Dict[str, str]] = None) -> Shape:
    """The names, kinds and types a module defines; `constant_types` resolves `CONSTANTS.<name>` values."""
    tree = ast.parse(source)
    known = {f"CONSTANTS.{name}": kind for name, kind in (constant_types or {}).items()}
    shape: Shape = {}
    for node in tree.body:
        for name, value in _assignments(node):
            known[name] = value_type(value, known, naming)
            shape[(naming(name), "constant")] = known[name]
            if name == "ORDER_STATE" and isinstance(value, ast.Dict):
                for key, state in zip(value.keys, value.values):
                    shape[(f'ORDER_STATE["{ast.literal_eval(key)}"]', "state")] = _dotted(state) or "?"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            shape[(node.name, "function")] = signature(node, naming)
        if isinstance(node, ast.ClassDef):
            class_name = naming(node.name)
            shape[(class_name, "class")] = f"({', '.join(naming(_dotted(base) or '?') for base in node.bases)})"
            attributes = dict(known)
            for item in node.body:
                for name, value in _assignments(item):
                    attributes[name] = value_type(value, attributes, naming)
                    shape[(f"{class_name}.{naming(name)}", "class attribute")] = attributes[name]
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    shape[(f"{class_name}.{naming(item.name)}", "method")] = signature(item, naming)
    for keys in message_keys(tree, constants):
        shape[(keys, "message")] = "dict keys"
    return shape


def constant_types_of(source: str, naming: Naming) -> Dict[str, str]:
    return {name: kind for (name, category), kind in module_shape(source, naming, {}).items()
            if category == "constant"}


def shapes_of(sources: Dict[str, str], naming: Naming) -> Dict[str, Shape]:
    """The shape of every module of a connector, given its sources by short module name."""
    constants = string_constants(sources["constants"])
    types = constant_types_of(sources["constants"], naming)
    return {module: module_shape(source, naming, constants, types) for module, source in sources.items()}


def binance_shapes() -> Dict[str, Shape]:
    return shapes_of({module: binance_source(module) for module in MODULES}, BINANCE)


Deviation = Tuple[str, str, str]  # (module, name, kind)


def deviations(binance: Shape, rendered: Shape, module: str) -> Dict[Deviation, str]:
    """Every difference, as (module, name, "missing|added|changed <kind>") with what each side has."""
    found = {}
    for key in sorted(set(binance) | set(rendered)):
        name, kind = key
        if key not in rendered:
            found[(module, name, f"missing {kind}")] = f"Binance: {binance[key]}"
        elif key not in binance:
            found[(module, name, f"added {kind}")] = f"render: {rendered[key]}"
        elif binance[key] != rendered[key]:
            found[(module, name, f"changed {kind}")] = f"Binance: {binance[key]}; render: {rendered[key]}"
    return found


# ---- the table of deviations in docs/spec-map.md ----
def listed_deviations() -> List[Dict[str, str]]:
    """The rows of the table under the "Deviations from Binance" heading."""
    text = SPEC_MAP.read_text()
    assert DEVIATIONS_HEADING in text, f"docs/spec-map.md has no section {DEVIATIONS_HEADING!r}"
    section = text.split(DEVIATIONS_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header == ["module", "name", "kind", "answers", "reason"], header
    listed = []
    for line in rows[2:]:
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        row = dict(zip(header, cells))
        listed.append({key: value.replace("`", "").replace("\\|", "|") if key != "reason" else value
                       for key, value in row.items()})
    return listed


def _answer_value(answers: dict, prompt: str) -> str:
    value = answers.get(prompt, DEFAULT_ANSWERS[prompt])
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def applies(row: Dict[str, str], answers: dict) -> bool:
    """A row's `answers`: "every render", or `prompt=value` conditions that must all hold."""
    if row["answers"] == "every render":
        return True
    conditions = re.findall(r"(\w+)=(\w+)", row["answers"])
    assert conditions, f"answers column {row['answers']!r}: write 'every render' or prompt=value"
    return all(_answer_value(answers, prompt) == value for prompt, value in conditions)


# ---- the renders ----
@pytest.fixture(scope="module")
def compared_renders(tmp_path_factory, default_workspace) -> Dict[str, Path]:
    return {label: default_workspace if not answers else render(tmp_path_factory.mktemp(label) / "out", **answers)
            for label, answers in RENDERS.items()}


def connector_sources(workspace: Path) -> Dict[str, str]:
    name = workspace.name
    folder = workspace / CONNECTOR_DIR.format(name=name)
    return {module: (folder / f"{name}_{module}.py").read_text() for module in MODULES}


@pytest.fixture(scope="module")
def binance() -> Dict[str, Shape]:
    return binance_shapes()


@pytest.fixture(scope="module")
def rendered_shapes(compared_renders) -> Dict[str, Dict[str, Shape]]:
    return {label: shapes_of(connector_sources(workspace), Naming(workspace.name, class_prefix(workspace.name)))
            for label, workspace in compared_renders.items()}


def _copies_of_binance_modules() -> List[str]:
    skipped = {".git", ".venv", "build", "site", "__pycache__"}
    copies = []
    for folder, subfolders, files in os.walk(TEMPLATE_ROOT):
        subfolders[:] = [subfolder for subfolder in subfolders if subfolder not in skipped]
        copies += [str(Path(folder, file)) for file in files if file.startswith("binance_")]
    return copies


def test_the_binance_modules_are_read_from_the_installed_package():
    import hummingbot
    origin = Path(importlib.util.find_spec(f"{BINANCE_PACKAGE}.binance_constants").origin).resolve()
    assert Path(hummingbot.__file__).resolve().parent in origin.parents
    copies = _copies_of_binance_modules()
    assert copies == [], "the comparison reads the installed package: no copy of Binance's modules belongs here"


def test_binance_has_what_the_comparison_reads(binance):
    """A guard against a comparison that silently reads nothing."""
    assert binance["constants"][("REST_URL", "constant")] == "str"
    assert binance["constants"][('ORDER_STATE["EXPIRED_IN_MATCH"]', "state")] == "OrderState.FAILED"
    assert binance["exchange"][("<Prefix>Exchange", "class")] == "(ExchangePyBase)"
    assert binance["order_book"][('{"asks", "bids", "trading_pair", "update_id"}', "message")]
    assert ('{"id", "method", "params"}', "message") in binance["api_user_stream_data_source"]


def test_the_deviations_table_is_well_formed():
    rows = listed_deviations()
    assert rows, "the table lists no deviation"
    kinds = {f"{change} {kind}" for change in ("missing", "added", "changed") for kind in KINDS}
    problems = [row for row in rows
                if row["module"] not in MODULES or row["kind"] not in kinds or not row["reason"]
                or not any(applies(row, answers) for answers in RENDERS.values())]
    assert problems == []
    keys = [(row["module"], row["name"], row["kind"], row["answers"]) for row in rows]
    assert len(keys) == len(set(keys)), "a row is listed twice"


@pytest.mark.parametrize("render_label", RENDERS)
@pytest.mark.parametrize("module", MODULES)
def test_every_deviation_from_binance_is_listed_with_its_reason(module, render_label, binance, rendered_shapes):
    found = deviations(binance[module], rendered_shapes[render_label][module], module)
    expected = {(row["module"], row["name"], row["kind"]) for row in listed_deviations()
                if row["module"] == module and applies(row, RENDERS[render_label])}
    unlisted = [f"| {module} | `{name}` | {kind} | ({found[(module, name, kind)]})"
                for module, name, kind in sorted(set(found) - expected)]
    no_longer_there = [f"| {module} | `{name}` | {kind} |" for module, name, kind in sorted(expected - set(found))]
    assert not unlisted, (f"{render_label}: deviations from Binance that docs/spec-map.md does not list under "
                          f"{DEVIATIONS_HEADING!r}:\n" + "\n".join(unlisted))
    assert not no_longer_there, (f"{render_label}: rows of docs/spec-map.md that no longer match a deviation "
                                 "(remove them, or fix their answers column):\n" + "\n".join(no_longer_there))


# ---- hygiene of every render: no leading blank line, no unused constant, no unused parameter ----
def rendered_files(workspace: Path) -> Dict[str, str]:
    """Every rendered file but the answers file and the workspace's git store, by path relative to the workspace."""
    return {str(path.relative_to(workspace)): path.read_text() for path in sorted(workspace.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
            and not {"__pycache__", ".git"} & set(path.relative_to(workspace).parts)}


def files_starting_with_a_blank_line(files: Dict[str, str]) -> List[str]:
    return [path for path, text in files.items() if text[:1] in ("\n", "\r") or text[:1].isspace()]


def _identifiers(source: str) -> Set[str]:
    tree = ast.parse(source)
    return ({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
            | {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)})


def unused_constants(constants_source: str, other_sources: List[str]) -> List[str]:
    """
    Module-level names of a constants module that no other module reads, directly or through a constant that is read
    (the pools and intervals RATE_LIMITS uses count as used when RATE_LIMITS is).
    """
    tree = ast.parse(constants_source)
    reads = {name: _identifiers(ast.unparse(value)) if value is not None else set()
             for node in tree.body for name, value in _assignments(node)}
    used = set().union(*(_identifiers(source) for source in other_sources)) & set(reads)
    frontier = list(used)
    while frontier:
        for name in reads[frontier.pop()] & set(reads):
            if name not in used:
                used.add(name)
                frontier.append(name)
    return sorted(set(reads) - used)


def binance_constants_binance_leaves_unused() -> Set[str]:
    """Binance's own unused constants: kept for fidelity, not counted as the template's drift."""
    return set(unused_constants(binance_source("constants"),
                                [binance_source(module) for module in MODULES if module != "constants"]))


def _loads(function: ast.AST) -> Set[str]:
    return {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}


def _parameters(function: ast.AST) -> List[str]:
    arguments = function.args
    names = [argument.arg for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]
    names += [argument.arg for argument in (arguments.vararg, arguments.kwarg) if argument is not None]
    return [name for name in names if name not in ("self", "cls")]


def _base_classes(tree: ast.AST) -> Dict[str, type]:
    """The hummingbot classes the module's classes extend, imported from where the module imports them."""
    bases = {base.id for node in tree.body if isinstance(node, ast.ClassDef) for base in node.bases
             if isinstance(base, ast.Name)}
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hummingbot."):
            for alias in node.names:
                if (alias.asname or alias.name) in bases:
                    classes[alias.asname or alias.name] = getattr(importlib.import_module(node.module), alias.name)
    return classes


def hummingbot_web_utils_arguments() -> Dict[str, Set[str]]:
    """The keyword arguments hummingbot's ExchangePyBase passes to a connector's web utils functions."""
    source = Path(importlib.util.find_spec("hummingbot.connector.exchange_py_base").origin).read_text()
    passed: Dict[str, Set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and (_dotted(node.func.value) or "").endswith("web_utils")):
            passed.setdefault(node.func.attr, set()).update(keyword.arg for keyword in node.keywords if keyword.arg)
    return passed


def unused_parameters(source: str, module: str) -> List[str]:
    """
    `<function>(<parameter>)` for each parameter its body never reads, except where hummingbot dictates the
    signature: a method that a hummingbot base class of its class has, or a web utils argument hummingbot passes.
    """
    tree = ast.parse(source)
    classes = _base_classes(tree)
    dictated = hummingbot_web_utils_arguments() if module == "web_utils" else {}
    unused = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            unused += [f"{node.name}({name})" for name in _parameters(node)
                       if name not in _loads(node) and name not in dictated.get(node.name, set())]
        if isinstance(node, ast.ClassDef):
            bases = [classes[base.id] for base in node.bases if isinstance(base, ast.Name) and base.id in classes]
            for item in node.body:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                if any(item.name in vars(ancestor) for base in bases for ancestor in base.__mro__
                       if ancestor is not object):
                    continue  # an override: hummingbot's base class sets the signature
                unused += [f"{node.name}.{item.name}({name})" for name in _parameters(item)
                           if name not in _loads(item)]
    return unused


@pytest.fixture(scope="module")
def every_answer_set(tmp_path_factory) -> Dict[str, Path]:
    """The template rendered with every answer set of the golden renders (each shape combination among them)."""
    return {answer_set: render(tmp_path_factory.mktemp(answer_set) / "out", **answers)
            for answer_set, answers in ANSWER_SETS.items()}


def test_no_rendered_file_starts_with_a_blank_line(every_answer_set):
    starting_blank = {answer_set: files_starting_with_a_blank_line(rendered_files(workspace))
                      for answer_set, workspace in every_answer_set.items()}
    assert {answer_set: paths for answer_set, paths in starting_blank.items() if paths} == {}


def test_every_constant_is_used_by_another_rendered_module_or_test(every_answer_set):
    kept_as_binance_has_them = binance_constants_binance_leaves_unused()
    unused = {}
    for answer_set, workspace in every_answer_set.items():
        name = workspace.name
        constants = f"{CONNECTOR_DIR.format(name=name)}/{name}_constants.py"
        others = [text for path, text in rendered_files(workspace).items()
                  if path.endswith(".py") and path != constants
                  and path.startswith((CONNECTOR_DIR.format(name=name), TEST_DIR.format(name=name)))]
        names = set(unused_constants((workspace / constants).read_text(), others)) - kept_as_binance_has_them
        if names:
            unused[answer_set] = sorted(names)
    assert unused == {}


def test_every_parameter_is_used_or_dictated_by_hummingbot(every_answer_set):
    unused = {}
    for answer_set, workspace in every_answer_set.items():
        for module, source in connector_sources(workspace).items():
            names = unused_parameters(source, module)
            if names:
                unused[f"{answer_set}: {module}"] = names
    assert unused == {}


def test_the_hygiene_checks_find_what_they_look_for():
    """Each check flags a planted example, so that a check reading nothing cannot pass."""
    assert files_starting_with_a_blank_line({"a.py": "\nimport os\n", "b.py": "import os\n", "c.py": ""}) == ["a.py"]
    constants = "A = 1\nB = 2\nC = [A]\nD = 'x'\n"
    assert unused_constants(constants, ["CONSTANTS.C"]) == ["B", "D"]
    assert "TIME_IN_FORCE_FOK" in binance_constants_binance_leaves_unused()
    assert "get_current_server_time" in hummingbot_web_utils_arguments()
    planted = ("from hummingbot.core.data_type.order_book import OrderBook\n\n\n"
               "def f(a, b):\n    return a\n\n\n"
               "class X(OrderBook):\n    def apply_snapshot(self, bids, asks, update_id):\n        pass\n\n"
               "    def g(self, c):\n        pass\n")
    assert unused_parameters(planted, "utils") == ["f(b)", "X.g(c)"]
