"""Content-addressed cache of block results, outside every watched folder.

A block's result depends on its code, on the code of the blocks before it (they share a
namespace), on the `snippets` modules it imported (known only after it ran, so they are
recorded with the result and checked on lookup, like a build system's dependency file),
and on the Python, numpy and matplotlib versions. Entries are pickles written to a temp
file and renamed into place, so an interrupted build leaves either the old entry or the
new one, never half of one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .runner import Block, BlockResult

_FORMAT = b"mkdocs-vault-exec-cache-1"
STALE_TEMP_SECONDS = 3600.0  # a temp file this old is no build's write in progress


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
    """sha256 of a file's bytes, or None when it is gone."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


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

    @property
    def complete(self) -> bool:
        """Every block's result is cached: nothing to run."""
        return self.start == len(self.keys)


class ResultCache:
    """Block results on disk under `root` (e.g. `.cache/mkdocs_vault/exec`)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.stats = CacheStats()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> BlockResult | None:
        """The stored result, if present, readable and its recorded modules unchanged."""
        try:
            with open(self._path(key), "rb") as handle:
                result = pickle.load(handle)  # noqa: S301 - our own files, outside the vault
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            self.stats.misses += 1
            return None
        if not isinstance(result, BlockResult) or any(
            file_digest(path) != digest for path, digest in result.modules.items()
        ):
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return result

    def get_state(self, key: str) -> bytes | None:
        """The note's state stored after the block with this key, if any."""
        try:
            return self._path(key).with_suffix(".state").read_bytes()
        except OSError:
            return None

    def put(self, key: str, result: BlockResult) -> None:
        """Store the result and, apart from it, the state after the block.

        The state lives in its own file so that a warm build, which reads every result,
        never reads the (larger) states.
        """
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if result.state is not None:
            write_atomically(path.with_suffix(".state"), result.state)
        stored = dataclasses.replace(result, state=None)
        write_atomically(path, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))

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
        for key in keys:
            result = self.get(key)
            if result is None:
                break
            results.append(result)
        if len(results) == len(keys):
            return NoteLookup(keys, results, len(keys))
        for start in range(len(results), 0, -1):
            state = self.get_state(keys[start - 1])
            if state is not None:
                return NoteLookup(keys, results[:start], start, state)
        return NoteLookup(keys, [], 0)

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
