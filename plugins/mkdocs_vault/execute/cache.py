"""Content-addressed cache of block results, outside every watched folder.

A block's result depends on its code, on the code of the blocks before it (they share a
namespace), on the `snippets` modules it imported (known only after it ran, so they are
recorded with the result and checked on lookup, like a build system's dependency file),
and on the Python, numpy and matplotlib versions.

Entries are data, never code (see `records`): a JSON document naming this format, its
version and its key, with a sha256 over the result, written to a temp file and renamed
into place, so an interrupted build or two builds writing at once leave one whole entry.
An entry that is foreign, damaged or of another version is a miss with a reason, which
the page's block reports as a warning; nothing in it is ever executed. The namespace
snapshots stored beside the results are pickles, loaded only with a valid seal (`seal`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from . import seal
from .records import RecordError, result_from_data, result_to_data
from .runner import Block, BlockResult

log = get_plugin_logger(__name__)

_FORMAT = b"mkdocs-vault-exec-cache-2"
ENTRY_FORMAT = "mkdocs-vault-exec-cache"
ENTRY_VERSION = 2
STALE_TEMP_SECONDS = 3600.0  # a temp file this old is no build's write in progress
MAX_ENTRY_BYTES = 256 * 2**20  # far above any real result (outputs are capped at 1 MiB)


def environment_fingerprint() -> str:
    """Versions that change what code produces.

    Read from the installed distributions' metadata, not by importing them: importing
    numpy and matplotlib into the MkDocs process cost 0.2 s on every build, a warm build
    that runs nothing included.
    """
    from importlib.metadata import PackageNotFoundError, version

    parts = [platform.python_version()]
    for distribution in ("numpy", "matplotlib"):
        try:
            parts.append(f"{distribution}={version(distribution)}")
        except PackageNotFoundError:  # pragma: no cover
            parts.append(f"{distribution}=missing")
    return ";".join(parts)


def block_keys(blocks: tuple[Block, ...], note_path: str, environment: str) -> list[str]:
    """One key per block: everything before it and itself, chained."""
    digest = hashlib.sha256(_FORMAT + environment.encode() + note_path.encode())
    keys = []
    for block in blocks:
        digest.update(b"\0block\0" + block.code.encode() + repr(block.options).encode())
        keys.append(digest.copy().hexdigest())
    return keys


def file_digest(path: str) -> str | None:
    """sha256 of a regular file's bytes, or None when it is gone or not a regular file.

    The paths come from cache entries: one naming `/dev/zero` or a FIFO must not hang
    the build, so the file is opened without blocking and checked before it is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


@dataclass
class CacheStats:
    """What the last lookups found; for progress logs and tests."""

    hits: int = 0
    misses: int = 0


@dataclass
class NoteLookup:
    """What the cache holds for one note, and where a run has to start.

    `cached` are the results of blocks 0..start-1; `state` is the namespace after block
    start-1 (None when start is 0). Blocks between `start` and the first changed block are
    run again only when no state was stored for them (it could not be pickled).
    """

    keys: list[str]
    cached: list[BlockResult]
    start: int
    state: bytes | None = None
    # Block index → why its stored entry was refused (foreign, damaged, other version).
    problems: dict[int, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every block's result is cached: nothing to run."""
        return self.start == len(self.keys)


class ResultCache:
    """Block results on disk under `root` (e.g. `.cache/mkdocs_vault/exec`)."""

    def __init__(self, root: str | Path, key: bytes | None | bool = True) -> None:
        self.root = Path(root)
        self.stats = CacheStats()
        # The snapshot key (`seal`): True loads this user's on first use; None: no resume.
        self._seal_key = key

    @property
    def seal_key(self) -> bytes | None:
        """The key snapshots are sealed with (None: snapshots are neither kept nor used)."""
        if self._seal_key is True:
            self._seal_key = seal.load_key()
        return self._seal_key or None

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> BlockResult | None:
        """The stored result, if present, sound and its recorded modules unchanged."""
        return self.read(key)[0]

    def read(self, key: str) -> tuple[BlockResult | None, str | None]:
        """The stored result, or None and, for an entry that exists but was refused, why."""
        try:
            with open(self._path(key), "rb") as handle:
                raw = handle.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            self.stats.misses += 1
            return None, None
        try:
            result = _parse_entry(raw, key)
        except RecordError as error:
            self.stats.misses += 1
            return None, str(error)
        if any(file_digest(path) != digest for path, digest in result.modules.items()):
            self.stats.misses += 1
            return None, None
        self.stats.hits += 1
        return result, None

    def get_state(self, key: str) -> bytes | None:
        """The note's state stored after the block with this key, if any and genuine.

        A snapshot without this user's seal (made elsewhere, crafted, damaged) is a
        silent miss: the note runs from an earlier block, which is always correct.
        """
        signing = self.seal_key
        if signing is None:
            return None
        try:
            sealed = self._path(key).with_suffix(".state").read_bytes()
        except OSError:
            return None
        state = seal.unseal(signing, key, sealed)
        if state is None:
            log.debug(f"snippets: ignored an unsealed or foreign snapshot ({key[:12]})")
        return state

    def put(self, key: str, result: BlockResult) -> None:
        """Store the result and, apart from it, the state after the block.

        The state lives in its own file so that a warm build, which reads every result,
        never reads the (larger) states.
        """
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        signing = self.seal_key if result.state is not None else None
        if result.state is not None and signing is not None:
            write_atomically(path.with_suffix(".state"), seal.seal(signing, key, result.state))
        stored = dataclasses.replace(result, state=None)
        write_atomically(path, _entry_bytes(stored, key))

    def lookup_note(
        self, blocks: tuple[Block, ...], note_path: str, environment: str
    ) -> NoteLookup:
        """The cached results of a note's leading blocks and where execution must start.

        Blocks share one namespace: block k can run alone only with the state the blocks
        before it left, so the run starts right after the last cached block whose state
        was stored.
        """
        keys = block_keys(blocks, note_path, environment)
        results: list[BlockResult] = []
        problems: dict[int, str] = {}
        for index, key in enumerate(keys):
            result, problem = self.read(key)
            if problem is not None:
                problems[index] = problem
            if result is None:
                break
            results.append(result)
        if len(results) == len(keys):
            return NoteLookup(keys, results, len(keys))
        for start in range(len(results), 0, -1):
            state = self.get_state(keys[start - 1])
            if state is not None:
                return NoteLookup(keys, results[:start], start, state, problems)
        return NoteLookup(keys, [], 0, problems=problems)

    def sweep_temporary(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Delete temp files a killed build left behind; how many went.

        They are harmless (never read: entries are found by their final names) but would
        pile up. Young ones are kept: they may belong to a build running beside this one
        (`mkdocs serve` and `mkdocs build` share the cache), whose rename must not fail.
        """
        cutoff = time.time() - older_than
        removed = 0
        for temp in self.root.glob("*/.tmp-*"):
            try:
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()
                    removed += 1
            except OSError:  # gone already (another build swept or renamed it)
                continue
        return removed

    def clear(self) -> None:
        """Remove every entry (the command line's `clear-cache`)."""
        shutil.rmtree(self.root, ignore_errors=True)


def _entry_bytes(result: BlockResult, key: str) -> bytes:
    data = result_to_data(result)
    document = {
        "format": ENTRY_FORMAT,
        "version": ENTRY_VERSION,
        "key": key,
        "sha256": _data_digest(data),
        "result": data,
    }
    return json.dumps(document).encode("ascii")


def _data_digest(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _parse_entry(raw: bytes, key: str) -> BlockResult:
    """The result an entry file holds; `RecordError` saying why it is refused otherwise."""
    if len(raw) > MAX_ENTRY_BYTES:
        raise RecordError("the cached entry is too large to be ours")
    try:
        document = json.loads(raw.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise RecordError("the cached entry is not in this cache's format") from None
    if type(document) is not dict or document.get("format") != ENTRY_FORMAT:
        raise RecordError("the cached entry is not in this cache's format")
    if document.get("version") != ENTRY_VERSION:
        raise RecordError(f"the cached entry is of format version {document.get('version')!r}")
    if document.get("key") != key:
        raise RecordError("the cached entry belongs to another block")
    data = document.get("result")
    if type(data) is not dict or document.get("sha256") != _data_digest(data):
        raise RecordError("the cached entry is damaged (its checksum does not match)")
    try:
        return result_from_data(data)
    except RecordError as error:
        raise RecordError(f"the cached entry is malformed ({error})") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers see the old file or the new one."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
