"""List the vault's files in bounded time: no symlink loops, a depth and an entry limit.

Why this module replaces MkDocs' own listing: MkDocs 1.6's `get_files` walks `docs_dir`
with `os.walk(followlinks=True)` and never prunes, before any plugin event that sees
files. Two symlinks `a -> .` and `b -> .` in one folder make that 2^40 paths (the walk
only ends when the kernel refuses a path with 40 links: hours, gigabytes); one `loop -> .`
gives every file 40 names and then an `OSError`. No MkDocs option prunes the walk
(`exclude_docs` is applied to the list afterwards), and `on_files` comes too late, so
`take_over(config)` (called from `on_config`) makes the next `get_files(config)` of the
build use `vault_files` instead. The replacement is installed once, on
`mkdocs.commands.build.get_files` (the name `build()` calls), and answers only for the
config object it was given: another build in the same process (another project, a test)
gets MkDocs' own walk, unchanged.

The listing is MkDocs' (same `File` objects, same order, same README/index rule,
`set_exclusions`); only the walk differs:

* Symlinked folders are never descended into. One that leads inside the vault names
  files the walk reaches anyway under their real path (a file reached twice is one
  note, as Obsidian's index has it); one that leads to a folder on its own path (`. `,
  `..` inside the vault) is a loop and is reported once; one that leads outside the
  vault is reported as `confine.py` reports outside files. A symlinked *file* inside the
  vault is left out for the same reason (its target is listed); one leading outside is
  listed so that `confine.py` reports it at its own path.
* Folders deeper than `MAX_FOLDER_DEPTH` below `docs_dir` are left out, reported at the
  first such folder of each branch.
* A symlink whose target is missing (or itself) is left out and reported: MkDocs would
  list it and stop the build when it copies it.
* After `max_entries` files and folders the walk stops, reported once.

So the walk visits each real folder of the vault at most once: time and memory are
linear in the vault, whatever its links.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

import mkdocs.commands.build as mkdocs_build
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, set_exclusions

from .confine import OUTSIDE_HINT, OUTSIDE_MESSAGE

log = get_plugin_logger(__name__)
# MkDocs' own warning about README.md beside index.md, from MkDocs' logger as before.
_files_log = logging.getLogger("mkdocs.structure.files")

# Folders below `docs_dir`: far deeper than any vault is organised (PATH_MAX allows
# ~2,000 one-letter levels; a build that deep would be a crafted one).
MAX_FOLDER_DEPTH = 64
# Files and folders listed: ten times a very large vault (50,000 notes and their
# attachments); the `max_vault_entries` option raises or lowers it.
MAX_VAULT_ENTRIES = 500_000

LOOP_MESSAGE = "symlink leads to a folder already on its path (a loop); not followed"
LOOP_HINT = "remove the symlink: its folder's notes are published once, at their own path"
BROKEN_MESSAGE = "symlink leads nowhere (its target is missing, or it points to itself); left out"
BROKEN_HINT = "remove the symlink or restore its target"


@dataclass
class WalkReport:
    """What the last bounded walk of one config left out, as (absolute path, message, hint)."""

    max_entries: int = MAX_VAULT_ENTRIES
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    used: bool = False  # whether the walk ran (MkDocs may list files without building)


_pending: dict[int, WalkReport] = {}


def take_over(config, max_entries: int = MAX_VAULT_ENTRIES) -> WalkReport:
    """Make the next `get_files(config)` walk the vault with `vault_files`; returns the
    report that walk fills in (read it in `on_files`)."""
    _install()
    report = WalkReport(max_entries)
    _pending[id(config)] = report
    return report


def _install() -> None:
    current = mkdocs_build.get_files
    if getattr(current, "vault_original", None) is not None:
        return
    original = current

    def get_files(config):
        report = _pending.pop(id(config), None)
        if report is None:
            return original(config)
        return vault_files(config, report)

    get_files.vault_original = original
    mkdocs_build.get_files = get_files


def vault_files(config, report: WalkReport) -> Files:
    """MkDocs' `get_files` (1.6) over `bounded_walk` instead of `os.walk`."""
    report.used = True
    docs_dir = config["docs_dir"]
    files: list[File] = []
    conflicting_files: list[tuple[File, File]] = []
    for source_dir, filenames in bounded_walk(docs_dir, report):
        relative_dir = os.path.relpath(source_dir, docs_dir)
        filenames.sort(key=_file_sort_key)
        files_by_dest: dict[str, File] = {}
        for filename in filenames:
            file = File(
                os.path.join(relative_dir, filename),
                docs_dir,
                config["site_dir"],
                config["use_directory_urls"],
            )
            prev_file = files_by_dest.setdefault(file.dest_uri, file)
            if prev_file is not file:
                conflicting_files.append((prev_file, file))
            files.append(file)
    set_exclusions(files, config)
    # MkDocs' rule: README.md is left out when its folder also has an index.md.
    for a, b in conflicting_files:
        loser = a if b.inclusion.is_included() else b
        if b.inclusion.is_included() and a.inclusion.is_included():
            _files_log.warning(
                "Excluding '%s' from the site because it conflicts with '%s'.", a.src_uri, b.src_uri
            )
        if loser in files:
            files.remove(loser)
    return Files(files)


def _file_sort_key(name: str) -> tuple[bool, str]:
    """MkDocs' order of a folder's files (its private `_file_sort_key`): index/README first."""
    return (os.path.splitext(name)[0] not in ("index", "README"), name)


def bounded_walk(docs_dir: str, report: WalkReport) -> Iterator[tuple[str, list[str]]]:
    """(folder, its file names) for each real folder under `docs_dir`, top-down, in MkDocs'
    order (sorted folder names), never through a symlinked folder; see the module docstring."""
    root_real = os.path.realpath(docs_dir)
    entries = 0
    # (folder path as listed, its real path, depth below docs_dir); popped last-in first.
    stack: list[tuple[str, str, int]] = [(docs_dir, root_real, 0)]
    while stack:
        folder, real, depth = stack.pop()
        try:
            with os.scandir(folder) as scan:
                # One past the entries left is enough to know the limit is passed, and
                # keeps a folder of millions of files from being read whole.
                listing = sorted(islice(scan, report.max_entries - entries + 1), key=_name)
        except OSError as error:
            log.debug("cannot list %s: %s", folder, error)  # as os.walk: skipped
            continue
        filenames: list[str] = []
        subfolders: list[tuple[str, str]] = []
        for entry in listing:
            entries += 1
            if entries > report.max_entries:
                report.problems.append(
                    (
                        folder,
                        f"the vault has more than {report.max_entries} files and folders; "
                        "the rest is left out",
                        "raise `max_vault_entries` in mkdocs.yml, or move big folders "
                        "out of docs_dir",
                    )
                )
                yield folder, filenames
                return
            kind = _kind(entry, root_real, real, report)
            if kind == "file":
                filenames.append(entry.name)
            elif kind == "folder":
                subfolders.append((entry.path, os.path.join(real, entry.name)))
        yield folder, filenames
        if subfolders and depth + 1 > MAX_FOLDER_DEPTH:
            for path, _real in subfolders:
                report.problems.append(
                    (
                        path,
                        f"folder nested more than {MAX_FOLDER_DEPTH} deep below docs_dir; "
                        "left out",
                        "move its notes up the tree",
                    )
                )
            continue
        stack.extend((path, sub_real, depth + 1) for path, sub_real in reversed(subfolders))


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _kind(entry: os.DirEntry, root_real: str, folder_real: str, report: WalkReport) -> str | None:
    """"file" (listed), "folder" (walked) or None (left out, reported when it matters)."""
    try:
        if not entry.is_symlink():
            return "folder" if entry.is_dir(follow_symlinks=False) else "file"
        target = os.path.realpath(entry.path)
        is_dir = os.path.isdir(target)
        exists = is_dir or os.path.exists(target)
    except (OSError, RuntimeError, ValueError):
        exists = False
    if not exists:  # MkDocs would list it and fail when it reads or copies it
        report.problems.append((entry.path, BROKEN_MESSAGE, BROKEN_HINT))
        return None
    inside = _is_within(target, root_real)
    if not inside:
        if is_dir:
            report.problems.append((entry.path, OUTSIDE_MESSAGE, OUTSIDE_HINT))
            return None
        return "file"  # confine.py reports it at its own path
    if is_dir and _is_within(folder_real, target):
        report.problems.append((entry.path, LOOP_MESSAGE, LOOP_HINT))
        return None
    # Inside the vault and no loop: its target is listed at its real path.
    log.debug("%s leads to %s, listed at its own path", entry.path, target)
    return None


def watch_without_following_links(server) -> None:
    """Make `mkdocs serve` poll the vault without following symlinks.

    MkDocs' server polls its watched folders with watchdog's `PollingObserver`, whose
    snapshots `os.stat` every path (following symlinks) and recurse into each folder: with
    `a -> .` and `b -> .` that is the same endless walk, and the server never starts. Before
    it starts (`on_serve`), its observer is swapped for one that uses `os.lstat`: a
    symlinked folder is then watched as one entry, and its files at their real path, which
    is how the vault is listed. The server's own `watch`/`unwatch` reschedule every path;
    only the list of watched paths is read from its (private) state, and if that state is
    not there (another MkDocs), nothing is changed.
    """
    from watchdog.observers.polling import PollingObserverVFS

    observer = getattr(server, "observer", None)
    watched = getattr(server, "_watched_paths", None)
    if observer is None or not isinstance(watched, dict) or observer.is_alive():
        return
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = PollingObserverVFS(os.lstat, os.scandir, polling_interval=observer.timeout)
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
