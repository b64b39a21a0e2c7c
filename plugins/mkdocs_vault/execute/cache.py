"""Content-addressed cache of block results, outside every watched folder.

A block's result depends on its code, on the code of the blocks before it (they share a
namespace), on the `snippets` modules it imported (known only after it ran, so they are
recorded with the result and checked on lookup, like a build system's dependency file),
and on the Python, numpy and matplotlib versions. Entries are pickles written to a temp
file and renamed into place, so an interrupted build leaves either the old entry or the
new one, never half of one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .runner import Block, BlockResult

_FORMAT = b"mkdocs-vault-exec-cache-1"


def environment_fingerprint() -> str:
    """Versions that change what code produces."""
    parts = [platform.python_version()]
    for module in ("numpy", "matplotlib"):
        try:
            parts.append(f"{module}={__import__(module).__version__}")
        except ImportError:  # pragma: no cover
            parts.append(f"{module}=missing")
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

    def put(self, key: str, result: BlockResult) -> None:
        """Store atomically: temp file in the same folder, then rename."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def lookup_note(
        self, blocks: tuple[Block, ...], note_path: str, environment: str
    ) -> tuple[list[str], list[BlockResult] | None]:
        """Keys for a note's blocks, and all their results when every one is cached.

        Blocks share one namespace, so a single miss means the note runs again from
        its first block (a later block cannot run without the state before it).
        """
        keys = block_keys(blocks, note_path, environment)
        results = []
        for key in keys:
            result = self.get(key)
            if result is None:
                return keys, None
            results.append(result)
        return keys, results

    def clear(self) -> None:
        """Remove every entry (the command line's `clear-cache`)."""
        shutil.rmtree(self.root, ignore_errors=True)
