"""Each build's own scratch folder, so two builds of one project never share files.

A note's working directory used to be `scratch/<note>`, the same for every build of the
project: two builds running at once (`mkdocs serve` and `mkdocs build`, two CI jobs on one
runner) saw and overwrote each other's files. Now every MkDocs process takes a folder
`scratch/run-<random>/` and holds an exclusive `flock` on `run-<random>.lock` for as long
as it lives. When the build ends the lock is released and the folder left as it is (what
the notes wrote stays there to be looked at); the next build sweeps every folder whose
lock is free, a killed build's included (the kernel drops a dead process's locks).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

_PREFIX = "run-"


class ScratchRun:
    """One build's scratch folder under `parent`, locked while this process lives."""

    def __init__(self, parent: Path) -> None:
        self.parent = parent
        self.root = parent / f"{_PREFIX}{secrets.token_hex(8)}"
        self._lock_fd: int | None = None

    def open(self) -> Path:
        """Create and lock the folder (idempotent); sweep folders of dead builds first."""
        if self._lock_fd is None:
            self.parent.mkdir(parents=True, exist_ok=True)
            sweep(self.parent)
            # Locked under a temporary name, then renamed: a sweeper never sees the lock
            # of a live build unlocked.
            temp = self.parent / f".tmp-{self.root.name}"
            fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh random name: free
            self.root.mkdir()
            os.replace(temp, self.root.with_suffix(".lock"))
            self._lock_fd = fd
        return self.root

    def close(self) -> None:
        """Release the folder (the session's end): the next build's `sweep` removes it."""
        if self._lock_fd is None:
            return
        os.close(self._lock_fd)
        self._lock_fd = None


def sweep(parent: Path) -> int:
    """Remove the folders of builds that are gone (their lock is free); how many went."""
    removed = 0
    for lock in parent.glob(f"{_PREFIX}*.lock"):
        try:
            fd = os.open(lock, os.O_RDWR)
        except OSError:
            continue  # removed meanwhile by its owner or another sweeper
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live build holds it
        try:
            shutil.rmtree(lock.with_suffix(""), ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed += 1
        finally:
            os.close(fd)
    if removed:
        log.debug(f"snippets: removed {removed} scratch folders of builds that were stopped")
    return removed
