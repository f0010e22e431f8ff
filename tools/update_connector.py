"""
Regenerate a connector that lives in a hummingbot checkout with a newer version of this template, keeping the author's
edits: a three-way merge of the previous render (base), the author's files (ours) and the new render (theirs).

    python tools/update_connector.py /path/to/hummingbot <connector_name> [--checkout <template commit or branch>]

The answers and the template commit are read from the connector's own answers file
(`hummingbot/connector/exchange/<name>/.cruft.json`, written when the connector was generated), so several connectors in
one checkout update independently. Only the connector's two folders are written. A conflicting edit is left in the
file between git's conflict markers and reported; the exit code is then 1.
"""
import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from cookiecutter.main import cookiecutter

ANSWERS_FILE = ".cruft.json"


def connector_folders(name: str) -> List[str]:
    return [f"hummingbot/connector/exchange/{name}", f"test/hummingbot/connector/exchange/{name}"]


def git(*args: str, cwd: Optional[Path] = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def render_at_commit(template_clone: Path, commit: str, answers: Dict, output_dir: Path) -> Path:
    """The standalone workspace the template at `commit` renders for these answers."""
    git("checkout", "--quiet", "--force", commit, cwd=template_clone)
    user_answers = {key: value for key, value in answers.items() if not key.startswith("_")}
    user_answers["hummingbot_root"] = ""  # render a workspace: only its two connector folders are used
    config_file = output_dir / "cookiecutter-config.yaml"
    output_dir.mkdir(parents=True)
    config_file.write_text(f"replay_dir: {json.dumps(str(output_dir / 'replay'))}\n")
    return Path(cookiecutter(str(template_clone), no_input=True, extra_context=user_answers,
                             output_dir=str(output_dir / "render"), config_file=str(config_file)))


def merge_file(ours: Path, base: Optional[Path], theirs: Path) -> bool:
    """git merge-file in place; True when it merged cleanly."""
    with tempfile.TemporaryDirectory() as scratch:
        if base is None:
            base = Path(scratch) / "empty"
            base.write_text("")
        result = subprocess.run(["git", "merge-file", "-L", "yours", "-L", "previous template", "-L", "new template",
                                 str(ours), str(base), str(theirs)], capture_output=True)
    if result.returncode < 0 or result.returncode > 127:
        raise RuntimeError(f"git merge-file failed on {ours}: {result.stderr.decode()}")
    return result.returncode == 0


def merge_folder(ours: Path, base: Path, theirs: Path) -> List[str]:
    """Applies the template's change (base -> theirs) to the author's folder; returns the conflicting files."""
    conflicts = []
    relative_paths = {path.relative_to(root) for root in (ours, base, theirs) if root.exists()
                      for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    for relative in sorted(relative_paths):
        mine, previous, new = ours / relative, base / relative, theirs / relative
        if new.exists() and not mine.exists():
            if not previous.exists():  # a file the new template adds
                mine.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(new, mine)
            elif not filecmp.cmp(previous, new, shallow=False):
                conflicts.append(f"{relative} (you deleted it; the template changed it)")
        elif new.exists():
            if not merge_file(mine, previous if previous.exists() else None, new):
                conflicts.append(str(relative))
        elif previous.exists() and mine.exists():  # the new template drops the file
            if filecmp.cmp(previous, mine, shallow=False):
                mine.unlink()
            else:
                conflicts.append(f"{relative} (the template dropped it; you changed it)")
    return conflicts


def update_connector(hummingbot_root: Path, name: str, checkout: Optional[str] = None) -> List[str]:
    answers_path = hummingbot_root / connector_folders(name)[0] / ANSWERS_FILE
    state = json.loads(answers_path.read_text())
    answers = state["context"]["cookiecutter"]
    with tempfile.TemporaryDirectory(prefix="spot-connector-update-") as scratch:
        clone = Path(scratch) / "template"
        git("clone", "--quiet", state["template"], str(clone))
        new_commit = git("rev-parse", checkout or "HEAD", cwd=clone)
        base = render_at_commit(clone, state["commit"], answers, Path(scratch) / "base")
        theirs = render_at_commit(clone, new_commit, answers, Path(scratch) / "new")
        conflicts = []
        for folder in connector_folders(name):
            conflicts += [f"{folder}/{path}" for path in
                          merge_folder(hummingbot_root / folder, base / folder, theirs / folder)]
    state["commit"] = new_commit
    answers["_commit"] = new_commit
    answers_path.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
    return conflicts


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("hummingbot_root", type=Path)
    parser.add_argument("connector_name")
    parser.add_argument("--checkout", help="template commit, tag or branch to update to (default: its HEAD)")
    args = parser.parse_args(argv)
    answers_path = args.hummingbot_root / connector_folders(args.connector_name)[0] / ANSWERS_FILE
    if not answers_path.is_file():
        print(f"spot-connector: no answers file at {answers_path}: was the connector generated by this template?",
              file=sys.stderr)
        return 2
    conflicts = update_connector(args.hummingbot_root.resolve(), args.connector_name, args.checkout)
    for conflict in conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
