"""
All-or-nothing placement of folders into a hummingbot checkout, safe against interrupts and concurrent runs.

One placement goes like this, holding an exclusive lock on the checkout (`flock` on the checkout's root folder itself,
so no lock file is ever left behind) and holding back SIGINT, SIGTERM and SIGHUP:

1. recovery: what an earlier, killed run left is finished (it left a journal) or removed (staging copies);
2. staging: each new folder is copied next to its target under a name of its own,
   `.<name>.spot-connector-staging-<pid>-<random>`, on the target's file system so that renaming it is atomic;
3. the commit point: if a held signal is pending, the staging is removed and the signal let through, leaving the
   checkout byte-identical; otherwise a journal listing the moves is written atomically
   (`hummingbot/connector/exchange/.<name>.spot-connector-journal.json`);
4. the switch: each existing target is renamed to a backup (`.<name>.spot-connector-backup-<pid>-<random>`), each
   staging copy to its target, and API keys are added to the legacy conf template (re-read under the lock, replaced
   atomically);
5. clean-up: the backups are deleted (a symlink is unlinked, never followed), then the journal.

An error before the switch completes puts everything back as it was. A process killed after the commit point has its
placement finished by the next run, from the journal; killed before it, its staging copies are removed by the next run.
Held signals are delivered when the placement ends. (Files are not fsync'ed: this covers processes, not power loss.)
"""
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Dict, Iterator, List, Optional, Sequence

from . import facts

__all__ = [
    "PlacementError", "PlacementRefused", "PlacementInterrupted", "place_connector", "replace_folders",
    "recover_interrupted_placement", "exclusive_checkout", "register_api_keys_in_conf_global",
    "conf_global_with_api_keys",
]

CONNECTOR_PARENTS = (str(PurePosixPath(facts.CONNECTOR_PACKAGE_DIR).parent),
                     str(PurePosixPath(facts.CONNECTOR_TEST_DIR).parent))
JOURNAL_FOLDER = CONNECTOR_PARENTS[0]
CONF_TEMPLATE = PurePosixPath(facts.LEGACY_CONF_GLOBAL_TEMPLATE).as_posix()
# The only folders recovery looks in, and there only at names matching the patterns below.
RECOVERY_FOLDERS = (*CONNECTOR_PARENTS, str(PurePosixPath(CONF_TEMPLATE).parent))
# `-replaced` and the suffix-less names are what the hook's first version left when it was killed.
LEFTOVER_NAME = re.compile(r"^\.(?P<label>.+)\.spot-connector-(?P<kind>staging|backup|replaced)(-\d+-[0-9a-f]+)?$")
JOURNAL_NAME = re.compile(r"^\.(?P<label>.+)\.spot-connector-journal\.json$")
JOURNAL_VERSION = 1
KEY_PART = re.compile(r"^[A-Za-z0-9_]+$")
HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


class PlacementError(Exception):
    """A placement that could not be done; the message is one line, without the `spot-connector: ` prefix."""


class PlacementRefused(PlacementError):
    """The placement would replace a folder the caller did not agree to replace; nothing was changed."""


class PlacementInterrupted(PlacementError):
    """A signal arrived before the commit point: the staging copies were removed and nothing else was changed."""


# ---- the journal: what the switch does, written before it starts ----
@dataclass(frozen=True)
class Move:
    """One folder's way into place; every path is relative to the checkout's root."""
    target: str
    staging: str
    backup: str


@dataclass(frozen=True)
class KeyRegistration:
    """API keys to add to the legacy conf template (`conf` relative to the checkout's root)."""
    conf: str
    connector_name: str
    credentials: List[str]


@dataclass
class Journal:
    label: str
    moves: List[Move] = field(default_factory=list)
    keys: Optional[KeyRegistration] = None

    def path(self, checkout: Path) -> Path:
        return checkout / JOURNAL_FOLDER / f".{self.label}.spot-connector-journal.json"

    def to_json(self) -> str:
        return json.dumps({"version": JOURNAL_VERSION, **asdict(self)}, indent=2, sort_keys=True) + "\n"

    @staticmethod
    def from_json(text: str) -> "Journal":
        """The journal in `text`, refused (ValueError) unless every path in it is one a placement writes."""
        data = json.loads(text)
        if data.get("version") != JOURNAL_VERSION:
            raise ValueError(f"journal version {data.get('version')!r}, expected {JOURNAL_VERSION}")
        moves = [_checked_move(Move(**move)) for move in data["moves"]]
        keys = KeyRegistration(**data["keys"]) if data.get("keys") else None
        if keys is not None and (keys.conf != CONF_TEMPLATE or not all(
                KEY_PART.match(part) for part in [keys.connector_name, *keys.credentials])):
            raise ValueError(f"unexpected key registration {keys!r}")
        return Journal(label=str(data["label"]), moves=moves, keys=keys)


def _checked_target(target: str) -> str:
    """`target` as a relative POSIX path, refused unless it names a connector folder (where recovery looks)."""
    path = PurePosixPath(target)
    if str(path.parent) not in CONNECTOR_PARENTS or path.name in ("", ".", "..") or path.name.startswith("."):
        raise ValueError(f"{target}: only a folder directly in {' or '.join(CONNECTOR_PARENTS)} can be placed")
    return str(path)


def _checked_move(move: Move) -> Move:
    target = _checked_target(move.target)
    for path, kind in ((move.staging, "staging"), (move.backup, "backup")):
        match = LEFTOVER_NAME.match(PurePosixPath(path).name)
        if str(PurePosixPath(path).parent) != str(PurePosixPath(target).parent) or not match or match["kind"] != kind:
            raise ValueError(f"unexpected {kind} path {path!r}")
    return move


def _unique_sibling(relative: str, kind: str) -> str:
    """A name next to `relative` that nothing else has (pid and random token), recognisable by recovery."""
    path = PurePosixPath(relative)
    return str(path.parent / f".{path.name}.spot-connector-{kind}-{os.getpid()}-{secrets.token_hex(4)}")


# ---- small file system steps ----
def _write_atomically(path: Path, data: bytes) -> None:
    """Replaces (or creates) `path` in one step: a staged sibling with the same mode, then os.replace."""
    staged = path.parent / PurePosixPath(_unique_sibling(path.name.lstrip("."), "staging")).name
    try:
        staged.write_bytes(data)
        if path.exists():
            shutil.copymode(path, staged)
        os.replace(staged, path)
    except BaseException:
        if os.path.lexists(staged):
            os.unlink(staged)
        raise


def _remove_entry(path: Path) -> None:
    """Deletes a file, folder or symlink; a symlink is unlinked, never followed."""
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def _create_missing_parents(folder: Path) -> List[Path]:
    """Creates `folder` and its missing ancestors; returns the folders it created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    missing.reverse()
    for created in missing:
        created.mkdir()
    return missing


# ---- legacy API key registration (hummingbot before 1.6) ----
def conf_global_with_api_keys(text: str, connector_name: str, credentials: Sequence[str]) -> Optional[str]:
    """
    `text` with `<name>_<credential>: null` added for every credential it lacks and `template_version` raised by one;
    every other character stays as it was (line endings included). None when nothing has to change.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    present = {match.group(1) for line in lines if (match := re.match(r"^([A-Za-z0-9_]+)\s*:", line))}
    missing = [f"{connector_name}_{credential}" for credential in credentials
               if f"{connector_name}_{credential}" not in present]
    if not missing:
        return None
    for index, line in enumerate(lines):
        match = re.match(r"^(template_version\s*:\s*)(\d+)(\s*)$", line.rstrip("\r\n"))
        if match:
            ending = line[len(line.rstrip("\r\n")):]
            lines[index] = f"{match.group(1)}{int(match.group(2)) + 1}{match.group(3)}{ending}"
            break
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    return "".join(lines + [f"{key}: null{newline}" for key in missing])


def register_api_keys_in_conf_global(template_path: Path, connector_name: str, credentials: List[str]) -> bool:
    """
    Adds `<name>_<credential>: null` for every credential missing from conf_global_TEMPLATE.yml and raises its
    `template_version` by one, replacing the file in one step; every other byte stays. False when nothing changed.
    (A symlinked template becomes a file; its link target is not written.)
    """
    updated = conf_global_with_api_keys(template_path.read_bytes().decode("utf-8"), connector_name, credentials)
    if updated is None:
        return False
    _write_atomically(template_path, updated.encode("utf-8"))
    return True


def _key_registration(checkout: Path, connector_name: Optional[str], credentials: Sequence[str]):
    """The registration the placement must do, if the checkout has the legacy template and it lacks a key."""
    conf = checkout / CONF_TEMPLATE
    if not connector_name or not credentials or not conf.is_file():
        return None
    if conf_global_with_api_keys(conf.read_bytes().decode("utf-8"), connector_name, credentials) is None:
        return None
    return KeyRegistration(CONF_TEMPLATE, connector_name, list(credentials))


# ---- the lock and the held signals ----
_this_thread = threading.local()


def _checkouts_held_by_this_thread() -> set:
    if not hasattr(_this_thread, "checkouts"):
        _this_thread.checkouts = set()
    return _this_thread.checkouts


@contextmanager
def exclusive_checkout(checkout: Path) -> Iterator[List[str]]:
    """
    Holds the checkout's exclusive lock (re-entrant within a thread; other threads and processes wait) and yields
    the `spot-connector: ...` lines of the recovery the first hold runs. The lock is an `flock` on the checkout's
    root folder: the kernel releases it when the descriptor closes, also when the process is killed.
    """
    key = os.path.realpath(checkout)
    held = _checkouts_held_by_this_thread()
    if key in held:
        yield []
        return
    descriptor = os.open(key, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by child processes (PEP 446)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        held.add(key)
        try:
            with _signals_held():
                messages = _recover(Path(key))
            yield messages
        finally:
            held.discard(key)
    finally:
        os.close(descriptor)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Keeps SIGINT, SIGTERM and SIGHUP pending; restoring the previous mask delivers them."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _pending_interrupt() -> Optional[signal.Signals]:
    """A held signal waiting to be delivered; one the process ignores does not count (e.g. SIGINT in `cmd &`)."""
    for number in sorted(signal.sigpending() & HELD_SIGNALS):
        if signal.getsignal(number) is not signal.SIG_IGN:
            return signal.Signals(number)
    return None


def _between_steps(step: str) -> None:
    """A seam for the interrupt tests, which replace it to stop a placement at `step`. It does nothing."""


# ---- placement ----
def place_connector(workspace: Path, checkout: Path, name: str, credentials: List[str],
                    replace_existing: bool) -> List[str]:
    """
    Places the workspace's connector and test folders at the spec's paths in the checkout, all or nothing, and adds
    `<name>_<credential>: null` to the legacy conf template if the checkout has one. Raises PlacementRefused if a folder
    exists and `replace_existing` is false. Returns the recovery lines (`spot-connector: ...`) to show the user.
    """
    sources = {folder: Path(workspace) / folder for folder in facts.connector_folders(name)}
    return replace_folders(checkout, sources, replace_existing=replace_existing, connector_name=name,
                           credentials=credentials)


def replace_folders(checkout: Path, sources: Dict[str, Path], replace_existing: bool = True,
                    connector_name: Optional[str] = None, credentials: Sequence[str] = ()) -> List[str]:
    """
    Puts a copy of each source folder at its target (a path relative to the checkout, directly in one of the two
    exchange folders), all or nothing; with `connector_name` and `credentials`, registers the API keys in the legacy
    conf template in the same step. The sources are left as they are. Returns the recovery lines to show the user.
    """
    checkout = Path(os.path.realpath(checkout))
    sources = {_checked_target(target): Path(source) for target, source in sources.items()}
    if not sources:
        raise ValueError("no folder to place")
    with exclusive_checkout(checkout) as messages:
        with _signals_held():
            if not replace_existing:
                _refuse_existing_targets(checkout, sources)
            journal = _stage(checkout, sources, _key_registration(checkout, connector_name, credentials))
            return messages + _commit(checkout, journal)


def recover_interrupted_placement(checkout: Path) -> List[str]:
    """Finishes or cleans what a killed placement left in the checkout; returns one `spot-connector: ...` line each."""
    with exclusive_checkout(checkout) as messages:
        return messages


def _refuse_existing_targets(checkout: Path, sources: Dict[str, Path]) -> None:
    for target in sources:
        if os.path.lexists(checkout / target):
            raise PlacementRefused(f"{checkout / target} already exists; nothing was changed "
                                   "(answer _replace_existing=true to replace it)")


def _stage(checkout: Path, sources: Dict[str, Path], keys: Optional[KeyRegistration]) -> Journal:
    """Copies the sources next to their targets and writes the journal (the commit point); undone on any failure."""
    journal = Journal(label=PurePosixPath(next(iter(sources))).name, keys=keys)
    created_parents: List[Path] = []
    try:
        for target, source in sources.items():
            created_parents += _create_missing_parents((checkout / target).parent)
            move = Move(target, _unique_sibling(target, "staging"), _unique_sibling(target, "backup"))
            journal.moves.append(move)
            _between_steps(f"staging {target}")
            shutil.copytree(source, checkout / move.staging, symlinks=True)
        _between_steps("before commit")
        interrupt = _pending_interrupt()
        if interrupt is not None:
            raise PlacementInterrupted(f"{interrupt.name} arrived before {checkout} was changed; nothing was changed")
        _write_atomically(journal.path(checkout), journal.to_json().encode())
    except BaseException:
        _discard_staging(checkout, journal.moves)
        for folder in reversed(created_parents):
            folder.rmdir()
        raise
    return journal


def _discard_staging(checkout: Path, moves: List[Move]) -> None:
    for move in moves:
        _remove_entry(checkout / move.staging)


def _commit(checkout: Path, journal: Journal) -> List[str]:
    """Runs the journal's switch and clean-up; an error in the switch puts the checkout back as it was."""
    _between_steps("after commit")
    try:
        _switch(checkout, journal)
    except BaseException as error:
        _undo_switch(checkout, journal, error)
        raise
    return _clean_up(checkout, journal)


def _switch(checkout: Path, journal: Journal) -> None:
    """Every step is idempotent: recovery runs this again on whatever state a killed run left."""
    for move in journal.moves:
        _between_steps(f"moving {move.target}")
        _put_in_place(checkout, move)
    if journal.keys is not None and (checkout / journal.keys.conf).is_file():
        _between_steps("registering keys")
        register_api_keys_in_conf_global(checkout / journal.keys.conf, journal.keys.connector_name,
                                         journal.keys.credentials)


def _put_in_place(checkout: Path, move: Move) -> None:
    staging, target, backup = checkout / move.staging, checkout / move.target, checkout / move.backup
    if not os.path.lexists(staging):
        return  # already in place
    if os.path.lexists(target):
        os.rename(target, backup)  # renames a symlink itself, not what it points to
    os.rename(staging, target)


def _take_back(checkout: Path, move: Move) -> None:
    """The reverse of _put_in_place: the new folder goes back to its staging name, the backup to the target."""
    staging, target, backup = checkout / move.staging, checkout / move.target, checkout / move.backup
    if not os.path.lexists(staging) and os.path.lexists(target):
        os.rename(target, staging)
    if os.path.lexists(backup):
        os.rename(backup, target)


def _undo_switch(checkout: Path, journal: Journal, error: BaseException) -> None:
    """
    Puts back what the switch moved. The key registration is the switch's last step and atomic, so it either did
    not happen or nothing failed after it. If undoing fails too, the journal stays and the next run finishes.
    """
    try:
        for move in reversed(journal.moves):
            _take_back(checkout, move)
        os.unlink(journal.path(checkout))
    except Exception as undo_error:
        error.add_note(f"undoing the placement failed too ({undo_error}); "
                       f"the next run into {checkout} finishes it")
        return
    _discard_staging(checkout, journal.moves)


def _clean_up(checkout: Path, journal: Journal) -> List[str]:
    """Deletes the backups, then the journal. The placement is complete already: a failure here is only reported."""
    _between_steps("removing backups")
    try:
        for move in journal.moves:
            _remove_entry(checkout / move.backup)
        os.unlink(journal.path(checkout))
    except OSError as error:
        return [f"spot-connector: {journal.label} is in place, but removing what it replaced failed ({error}); "
                "the next run into this checkout removes it"]
    return []


# ---- recovery ----
def _entries(checkout: Path, folders: Sequence[str], pattern: re.Pattern) -> List[Path]:
    found = []
    for folder in folders:
        if (checkout / folder).is_dir():
            found += [checkout / folder / name for name in sorted(os.listdir(checkout / folder))
                      if pattern.match(name)]
    return found


def _recover(checkout: Path) -> List[str]:
    """Rolls every journal forward, then removes staging copies (only ever copies) and reports stray backups."""
    messages = []
    for journal_path in _entries(checkout, [JOURNAL_FOLDER], JOURNAL_NAME):
        messages += _roll_forward(checkout, journal_path)
    leftovers = _entries(checkout, RECOVERY_FOLDERS, LEFTOVER_NAME)
    staging = [path for path in leftovers if LEFTOVER_NAME.match(path.name)["kind"] == "staging"]
    for path in staging:
        _remove_entry(path)
    if staging:
        names = ", ".join(str(path.relative_to(checkout)) for path in staging)
        messages.append(f"spot-connector: removed what an interrupted run had staged ({names}); "
                        "nothing else had been changed")
    for path in leftovers:
        if path not in staging:
            messages.append(f"spot-connector: left {path} as it is: it holds a folder an interrupted run had "
                            "replaced; move it back or delete it")
    return messages


def _roll_forward(checkout: Path, journal_path: Path) -> List[str]:
    try:
        journal = Journal.from_json(journal_path.read_text())
        if journal.path(checkout) != journal_path:
            raise ValueError(f"its label {journal.label!r} does not match its name")
    except (ValueError, KeyError, TypeError) as error:
        raise PlacementError(f"{journal_path} is not a journal this version can finish ({error}); "
                             "nothing was changed") from error
    try:
        _switch(checkout, journal)
    except OSError as error:
        raise PlacementError(f"could not finish the placement an interrupted run started ({error}); "
                             f"its journal {journal_path} stays for the next run") from error
    targets = ", ".join(move.target for move in journal.moves)
    return _clean_up(checkout, journal) or [
        f"spot-connector: finished placing {targets}, which an interrupted run had started"]
