"""Without the sandbox: notice vault changes the audit hook cannot see, and name the block.

The audit hook in `runner` reports the files a block opens for writing through Python.
A shell command, a subprocess or C code writes past it. Where Landlock is missing (old
kernels, containers that filter its syscalls, `exec_sandbox: false`), the session
fingerprints the vault before the first block runs and again when every block has
finished; a file whose modification time falls inside a block's run is blamed on that
block (on every block that was running then, if several ran in parallel). A removed
file is dated by its folder's modification time, which its removal set.

Not attributable (a change dated outside every block's run) is still reported, on the
changed file itself, since a build must never change a note unnoticed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

# The kernel stamps files from a coarse clock, up to a timer tick (≤ 10 ms) behind the
# clock a block's start and end are read from: a write at a block's very start may carry
# a time just before it.
_SLACK_NS = 20_000_000


@dataclass(frozen=True)
class Entry:
    mtime_ns: int
    size: int
    inode: int
    is_dir: bool


def fingerprint(root: str) -> dict[str, Entry]:
    """Every file and folder under `root` (symlinks not followed) → its stat summary.

    Hidden entries are left out, as MkDocs leaves them out of the site: Obsidian itself
    rewrites `.obsidian/workspace.json` while it is open, and no block should be blamed.
    """
    found: dict[str, Entry] = {}
    try:
        stat = os.stat(root)
        found[""] = Entry(stat.st_mtime_ns, 0, stat.st_ino, True)  # dates removals at the top
    except OSError:
        return found
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        files = [name for name in files if not name.startswith(".")]
        for name in (*dirs, *files):
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
            except OSError:
                continue
            is_dir = name in dirs and not os.path.islink(path)
            relative = os.path.relpath(path, root)
            found[relative] = Entry(stat.st_mtime_ns, stat.st_size, stat.st_ino, is_dir)
    return found


@dataclass(frozen=True)
class Change:
    path: str  # relative to the vault root
    kind: str  # "created", "changed" or "removed"
    when_ns: int  # when it happened, as well as the file system says


def changes(before: dict[str, Entry], after: dict[str, Entry]) -> list[Change]:
    """Files created, changed or removed between two fingerprints (folders only date
    removals: a folder's own time changes with every file created in it)."""
    found = []
    for path, entry in after.items():
        old = before.get(path)
        if entry.is_dir:
            continue
        if old is None:
            found.append(Change(path, "created", entry.mtime_ns))
        elif old != entry:
            found.append(Change(path, "changed", entry.mtime_ns))
    for path, old in before.items():
        if path not in after and not old.is_dir:
            parent = after.get(os.path.dirname(path))
            when = parent.mtime_ns if parent is not None else 0
            found.append(Change(path, "removed", when))
    return sorted(found, key=lambda change: change.path)


@dataclass(frozen=True)
class Run:
    """One block's run: where it is and when it ran (wall clock, ns)."""

    note_path: str
    line: int
    started_ns: int
    ended_ns: int


def blame(change: Change, runs: Iterable[Run]) -> list[Run]:
    """The block runs during which `change` happened: those whose time span holds its
    time, else those that started at most a clock tick after it."""
    runs = list(runs)
    inside = [run for run in runs if run.started_ns <= change.when_ns <= run.ended_ns]
    if inside:
        return inside
    return [run for run in runs if run.started_ns - _SLACK_NS <= change.when_ns <= run.ended_ns]
