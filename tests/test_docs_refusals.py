"""
Every refusal the template can print is documented: the messages are read from the code (spot_connector/, hooks/,
tools/) and each must appear, as printed, in the "Refusals" section of docs/troubleshooting.md; every message that
section shows must still be one the code prints. The security page is in the site's navigation, and the tests it
names exist.
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Set, Union

import pytest
import yaml

from rendering import TEMPLATE_ROOT

DOCS = TEMPLATE_ROOT / "docs"
PREFIX = "spot-connector: "
# Where the template's own code lives: the answer rules and the Jinja guard, the hooks, placement, the update tool.
SOURCES = sorted([*(TEMPLATE_ROOT / "spot_connector").glob("*.py"), *(TEMPLATE_ROOT / "hooks").glob("*.py"),
                  *(TEMPLATE_ROOT / "tools").glob("*.py")])
# The words every answer refusal carries after the prompt's name and value.
REFUSAL_MARKERS = (" is invalid: ", " is refused: ")


# ---- the messages, read from the code ----
@dataclass(frozen=True)
class Message:
    """A message as the code builds it: literal text, and None where a value is filled in."""
    where: str
    parts: tuple

    @property
    def text(self) -> str:
        return "".join("<...>" if part is None else part for part in self.parts)

    def without_prefix(self) -> "Message":
        parts = list(self.parts)
        if parts and isinstance(parts[0], str) and parts[0].startswith(PREFIX):
            parts[0] = parts[0][len(PREFIX):]
        return Message(self.where, tuple(part for part in parts if part != ""))

    def has_fixed_words(self) -> bool:
        """False for `spot-connector: {error}`: that message is the error's, documented where the error is raised."""
        return bool(re.search(r"[A-Za-z]{2}", "".join(part for part in self.without_prefix().parts if part)))

    def pattern(self) -> re.Pattern:
        """The message as documented: its literal text (any run of spaces may wrap) and anything for a placeholder."""
        regex = ""
        for part in self.without_prefix().parts:
            if part is None:
                regex += r"[^`\n]+?"
            else:
                regex += r"\s+".join(re.escape(word) for word in re.split(r"\s+", part))
        return re.compile(regex)


StringNode = Union[ast.Constant, ast.JoinedStr]


def _is_string(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _local_strings(function: Optional[ast.AST]) -> Dict[str, StringNode]:
    """Names a function assigns a string literal to once (e.g. `rule = f"use ..."`), to read them into a message."""
    if function is None:
        return {}
    assigned: Dict[str, List[StringNode]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    return {name: values[0] for name, values in assigned.items() if len(values) == 1 and _is_string(values[0])}


def _module_constants(tree: ast.Module) -> Dict[str, str]:
    """Module-level `NAME = <number or text>` (MAX_WHOLE_NUMBER): a message shows its value, not a placeholder."""
    constants = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, str))
                and not isinstance(node.value.value, bool)):
            constants[node.targets[0].id] = str(node.value.value)
    return constants


def _parts(node: StringNode, local_strings: Dict[str, StringNode], constants: Dict[str, str]) -> tuple:
    if isinstance(node, ast.Constant):
        return (node.value,)
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(value.value)
        elif (isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name)
              and value.conversion == -1 and value.format_spec is None
              and (value.value.id in local_strings or value.value.id in constants)):
            name = value.value.id
            parts.extend(_parts(local_strings[name], {}, constants) if name in local_strings else (constants[name],))
        else:
            parts.append(None)
    merged = []  # adjacent literals as one, so that a message reads as one run of text
    for part in parts:
        if merged and isinstance(part, str) and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged)


def _user_exception_classes(tree: ast.Module, known: Set[str]) -> Set[str]:
    """Exceptions the module defines (and their subclasses): the update tool prints their message after the prefix."""
    found = set(known)
    changed = True
    while changed:
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name not in found:
                bases = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases}
                if bases & (found | {"Exception"}):
                    found.add(node.name)
                    changed = True
    return found


def _returns_list_of_str(function: ast.AST) -> bool:
    returns = getattr(function, "returns", None)
    return returns is not None and ast.unparse(returns) in ("List[str]", "list[str]")


def messages_in(path: Path, exception_classes: Set[str]) -> List[Message]:
    """
    The messages of one module. A string is a message when it:
    - starts with `spot-connector: ` (printed, or returned as a line to print);
    - holds ` is invalid: ` or ` is refused: ` (an answer refused);
    - is what an exception the template defines is raised with (printed with the prefix by the update tool), or a
      note added to an exception (`add_note`, printed with it);
    - is a line a function returning List[str] appends or returns in a list (a refusal or a conflict it reports).
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    constants = _module_constants(tree)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}

    def enclosing_function(node: ast.AST) -> Optional[ast.AST]:
        while node in parents:
            node = parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    candidates: List[StringNode] = []
    for node in ast.walk(tree):
        if _is_string(node) and not isinstance(parents.get(node), (ast.JoinedStr, ast.Expr)):
            text = "".join(part for part in _parts(node, {}, {}) if part)
            if text.startswith(PREFIX) or any(marker in text for marker in REFUSAL_MARKERS):
                candidates.append(node)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            called = node.exc.func
            name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
            if name in exception_classes and node.exc.args and _is_string(node.exc.args[0]):
                candidates.append(node.exc.args[0])
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_note"
                and node.args and _is_string(node.args[0])):
            candidates.append(node.args[0])
        function = enclosing_function(node)
        if function is not None and _returns_list_of_str(function):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                    and node.args and _is_string(node.args[0])):
                candidates.append(node.args[0])
            if isinstance(node, ast.Return) and isinstance(node.value, ast.List):
                candidates += [element for element in node.value.elts if _is_string(element)]

    found, seen = [], set()
    for node in candidates:
        if id(node) in seen:
            continue
        seen.add(id(node))
        message = Message(f"{path.relative_to(TEMPLATE_ROOT)}:{node.lineno}",
                          _parts(node, _local_strings(enclosing_function(node)), constants))
        if message.has_fixed_words():
            found.append(message)
    return found


def code_messages() -> List[Message]:
    trees = [ast.parse(path.read_text()) for path in SOURCES]
    exception_classes: Set[str] = set()
    for tree in trees:
        exception_classes |= _user_exception_classes(tree, exception_classes)
    exception_classes -= {"AnswersRefused"}  # raised with the list of refusals already printed, not a message
    return [message for path in SOURCES for message in messages_in(path, exception_classes)]


MESSAGES = code_messages()


def refusals_section() -> str:
    text = (DOCS / "troubleshooting.md").read_text()
    match = re.search(r"^## Refusals\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, "docs/troubleshooting.md has no '## Refusals' section"
    return match.group(1)


# ---- the tests ----
def test_the_messages_are_found_in_the_code():
    """The extraction itself: it finds the refusals of every source, so an empty list cannot pass for documented."""
    texts = [message.text for message in MESSAGES]
    assert len(MESSAGES) >= 30, texts
    sources = {message.where.split(":")[0] for message in MESSAGES}
    assert {"spot_connector/answers.py", "spot_connector/jinja_guard.py", "spot_connector/placement.py",
            "tools/update_connector.py", "hooks/pre_gen_project.py"} <= sources
    assert any("is invalid: use a whole number from" in text for text in texts)
    assert any("none a name the connector already uses" in text for text in texts)  # a rule read from its variable
    assert any(text.startswith("the template has no commit, tag or branch") for text in texts)  # a raised message


@pytest.mark.parametrize("message", MESSAGES, ids=[message.where for message in MESSAGES])
def test_every_refusal_is_documented(message):
    assert message.pattern().search(refusals_section()), (
        f"{message.where} prints {message.text!r}: add it, as printed, to the Refusals section of "
        f"docs/troubleshooting.md, with its cause and fix")


def test_every_documented_refusal_is_printed_by_the_code():
    """The section shows each message in a code span that starts with the prefix; each must match the code's."""
    documented = [" ".join(span.split()) for span in re.findall(r"`(spot-connector: [^`]+)`", refusals_section())]
    assert len(documented) >= 30
    stale = [span for span in documented
             if not any(message.pattern().fullmatch(span[len(PREFIX):]) for message in MESSAGES)]
    assert stale == [], f"the Refusals section shows messages the code no longer prints: {stale}"


def _nav_pages(entries) -> List[str]:
    pages = []
    for entry in entries:
        if isinstance(entry, str):
            pages.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_security_page_is_in_the_navigation():
    config = yaml.safe_load((TEMPLATE_ROOT / "mkdocs.yml").read_text())
    assert "security.md" in _nav_pages(config["nav"])
    assert (DOCS / "security.md").is_file()


def test_the_tests_the_security_page_names_exist():
    """Each promise names the tests that keep it (`tests/<file>.py::<test>`): they must exist under those names."""
    named = set(re.findall(r"(tests/[\w/]+\.py)(?:::(\w+))?", (DOCS / "security.md").read_text()))
    assert len(named) >= 5
    missing = []
    for file, test in sorted(named):
        path = TEMPLATE_ROOT / file
        if not path.is_file():
            missing.append(file)
        elif test and test not in {node.name for node in ast.walk(ast.parse(path.read_text()))
                                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}:
            missing.append(f"{file}::{test}")
    assert missing == []
