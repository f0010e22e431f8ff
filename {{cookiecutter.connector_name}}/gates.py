"""
The checks hummingbot runs before it merges a connector, one command each (the Makefile calls them):

    python gates.py test        the connector's test suite
    python gates.py coverage    the suite under coverage, then the two figures below
    python gates.py pre-commit  hummingbot's pre-commit hooks on the connector's files

Add `--root <hummingbot checkout>` to run the same commands in a checkout that holds the connector, against the
checkout's own configuration (its .coveragerc and .pre-commit-config.yaml), with the checkout's environment.

Coverage, as hummingbot's CI computes it: `coverage run -m pytest`, `coverage xml`, then
`diff-cover --compare-branch=<base> --fail-under=80 coverage.xml`. The base is the render's first commit here (the
post-generation hook commits the render), so the figure covers the lines changed since; in a checkout it is
origin/development, the branch hummingbot's pull requests target. Beside it, the line coverage of the whole
connector package: a pull request that adds the connector changes every one of its lines, so that is the figure the
pull request will get. Both must reach FAIL_UNDER.
"""
import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import List, Optional, Tuple

WORKSPACE = Path(__file__).resolve().parent
FAIL_UNDER = 80  # hummingbot's CI: diff-cover --fail-under=80
CHECKOUT_COMPARE_BRANCH = "origin/development"
COVERAGE_XML = "coverage.xml"


class Gates:
    def __init__(self, connector: str, root: Optional[Path] = None, compare_branch: Optional[str] = None):
        self.connector = connector
        self.in_checkout = root is not None
        self.root = (root or WORKSPACE).resolve()
        self.package = f"hummingbot/connector/exchange/{connector}"
        self.tests = f"test/hummingbot/connector/exchange/{connector}"
        self.compare_branch = compare_branch

    # ---- helpers ----
    def tool(self, name: str) -> str:
        """A console script of the running environment (the workspace's .venv or the checkout's conda env)."""
        beside_python = Path(sys.executable).parent / name
        return str(beside_python) if beside_python.exists() else (shutil.which(name) or name)

    def run(self, *command: str, check: bool = False) -> int:
        print("+ " + " ".join(command), flush=True)
        code = subprocess.call(command, cwd=self.root)
        if check and code != 0:
            raise SystemExit(code)
        return code

    def git(self, *args: str) -> Optional[str]:
        try:
            result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True)
        except FileNotFoundError:
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    def pytest_args(self) -> List[str]:
        # A checkout holds every connector's tests: run this connector's only. The workspace's setup.cfg names its own.
        return [self.tests] if self.in_checkout else []

    def base(self) -> Optional[str]:
        """What the diff is taken against: the option, else origin/development in a checkout, else the render."""
        if self.compare_branch:
            return self.compare_branch
        if self.in_checkout:
            return CHECKOUT_COMPARE_BRANCH
        return self.render_commit()

    def render_commit(self) -> Optional[str]:
        """The first commit that holds this workspace: the render, committed by the post-generation hook."""
        commits = self.git("log", "--reverse", "--format=%H", "--", "Makefile")
        return commits.splitlines()[0] if commits else None

    # ---- the commands ----
    def test(self) -> int:
        return self.run(sys.executable, "-m", "pytest", *self.pytest_args())

    def coverage(self) -> int:
        # The configuration is the root's own .coveragerc (coverage reads it from the working folder).
        status = self.run(sys.executable, "-m", "coverage", "run", "-m", "pytest", *self.pytest_args())
        if status != 0:
            print("The suite failed: fix it before reading coverage.", file=sys.stderr)
            return status
        self.run(sys.executable, "-m", "coverage", "xml", "-o", COVERAGE_XML, check=True)
        self.run(sys.executable, "-m", "coverage", "report", "--show-missing", f"--include={self.package}/*")

        failures = 0
        covered, lines = package_line_coverage(self.root / COVERAGE_XML, self.package)
        if not lines:
            print(f"No line of {self.package} was measured: is the connector in {self.root}?", file=sys.stderr)
            return 1
        percent = 100.0 * covered / lines
        print(f"\nLine coverage of {self.package}: {percent:.2f}% ({covered} of {lines} lines). A pull request that "
              f"adds the connector is measured on all of them; hummingbot requires {FAIL_UNDER}%.")
        failures += percent < FAIL_UNDER

        base = self.base()
        if base is None:
            print("No diff coverage: this workspace has no git history (git init, commit the render, and run again).",
                  file=sys.stderr)
            return 1
        what = "the branch" if self.in_checkout or self.compare_branch else "the render's first commit"
        print(f"\nDiff coverage against {base} ({what}):", flush=True)
        # --include-untracked: new modules count before they are committed (in CI everything is committed)
        failures += self.run(self.tool("diff-cover"), COVERAGE_XML, f"--compare-branch={base}",
                             f"--fail-under={FAIL_UNDER}", "--include-untracked") != 0
        return 1 if failures else 0

    def pre_commit_files(self) -> List[str]:
        """The files hummingbot's CI hands to pre-commit: those changed against the base, and new ones."""
        if self.in_checkout:
            changed = (self.git("diff", "--name-only", self.base()) or "").splitlines()
            new = (self.git("ls-files", "--others", "--exclude-standard", "--", self.package, self.tests)
                   or "").splitlines()
        else:
            changed = (self.git("ls-files") or "").splitlines()
            new = (self.git("ls-files", "--others", "--exclude-standard") or "").splitlines()
        return sorted({path for path in changed + new if (self.root / path).is_file()})

    def pre_commit(self) -> int:
        if self.git("rev-parse", "--git-dir") is None:
            print(f"pre-commit needs a git repository: {self.root} is not in one (git init && git add -A).",
                  file=sys.stderr)
            return 1
        files = self.pre_commit_files()
        if not files:
            print("No changed files to check.")
            return 0
        return self.run(self.tool("pre-commit"), "run", "--show-diff-on-failure", "--files", *files)


def package_line_coverage(coverage_xml: Path, package: str) -> Tuple[int, int]:
    """(covered, measured) lines of the package's files in a Cobertura report, as diff-cover reads them."""
    tree = ElementTree.parse(coverage_xml)
    sources = [Path(source.text or ".") for source in tree.iter("source")] or [Path(".")]
    root = coverage_xml.parent.resolve()
    covered = measured = 0
    for class_node in tree.iter("class"):
        filename = class_node.get("filename", "")
        paths = [Path(filename)] + [source / filename for source in sources]
        relative = [relative_to(path, root) for path in paths]
        if not any(path is not None and path.startswith(package + "/") for path in relative):
            continue
        for line in class_node.iter("line"):
            measured += 1
            covered += int(line.get("hits", "0")) > 0
    return covered, measured


def relative_to(path: Path, root: Path) -> Optional[str]:
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("command", choices=["test", "coverage", "pre-commit"])
    parser.add_argument("--connector", required=True)
    parser.add_argument("--root", type=Path, help="a hummingbot checkout that holds the connector")
    parser.add_argument("--compare-branch", help="the git ref diff coverage and pre-commit compare with")
    args = parser.parse_args(argv)
    gates = Gates(args.connector, args.root.expanduser() if args.root else None, args.compare_branch)
    return {"test": gates.test, "coverage": gates.coverage, "pre-commit": gates.pre_commit}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
