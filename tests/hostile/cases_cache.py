"""Hostile cases, round two (issue 16): the execution cache and worker results as data; processes that outlive a build.

The cache cases plant an entry in the project's `.cache/mkdocs_vault` before the build,
at the path the plugin's own `ResultCache` reads for the note's block (computed with the
plugin's code, so the entry sits where *this* version looks). They build with execution
off: the cache is still consulted, and nothing else could have touched the vault. A
payload that ran writes `PAYLOAD-RAN.md` into the vault, which the corpus' "vault
unchanged" check catches.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from hostile.cases import Case
from hostile.snippet_cases import LINGER

MARKER = "PAYLOAD-RAN.md"  # what a crafted entry's payload writes into the vault
_CODE = "print('genuine output')"
_NOTE = {"Home.md": f"# Home\n\n```python exec\n{_CODE}\n```\n"}
_BLOCK_AT = "vault/Home.md:4"  # the block's first code line


def _entry_paths(vault: Path) -> tuple[object, list[str], list[Path]]:
    """The plugin's cache for this case, the keys of Home.md's blocks, their entry files."""
    from mkdocs_vault.execute.cache import ResultCache, block_keys, environment_fingerprint
    from mkdocs_vault.execute.options import block_options
    from mkdocs_vault.execute.runner import Block
    from mkdocs_vault.scan import scan_note

    blocks = []
    for found in scan_note((vault / "Home.md").read_text(encoding="utf-8")).code_blocks:
        options, code, taken = block_options(found.info, found.code)
        blocks.append(Block(code, found.first_line + taken, options))
    keys = block_keys(tuple(blocks), "vault/Home.md", environment_fingerprint())
    cache = ResultCache(vault.parent / ".cache" / "mkdocs_vault" / "results")
    paths = [cache._path(key) for key in keys]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    return cache, keys, paths


def _entry_path(vault: Path) -> tuple[object, str, Path]:
    """The cache, key and entry file of Home.md's only block."""
    cache, [key], [path] = _entry_paths(vault)
    return cache, key, path


class _WritesIntoTheVault:
    """Unpickling this calls `exec`, which writes `MARKER` into the vault."""

    def __init__(self, vault: Path) -> None:
        self.target = str(vault / MARKER)

    def __reduce__(self):
        return exec, (f"open({self.target!r}, 'w').write('a cache entry ran code')",)


def _crafted_pickle(vault: Path) -> None:
    """A pickle with a payload, at the entry's path and at the old `<key>.pickle` one."""
    _cache, _key, path = _entry_path(vault)
    crafted = pickle.dumps(_WritesIntoTheVault(vault))
    path.write_bytes(crafted)
    path.with_suffix(".pickle").write_bytes(crafted)
    path.with_suffix(".state").write_bytes(crafted)  # a snapshot is never unpickled here


def _missing_module(vault: Path) -> None:
    """An entry naming a module that does not exist (an old layout, a renamed class)."""
    _cache, _key, path = _entry_path(vault)
    path.write_bytes(b"cmkdocs_vault_module_that_is_gone\nResult\n)R.")


def _genuine_entry(vault: Path) -> Path:
    from mkdocs_vault.execute.runner import BlockResult

    cache, key, path = _entry_path(vault)
    cache.put(key, BlockResult(stdout="genuine output\n"))
    return path


def _truncated(vault: Path) -> None:
    path = _genuine_entry(vault)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _tampered(vault: Path) -> None:
    """A genuine entry whose output was changed in place (same length, still parses)."""
    path = _genuine_entry(vault)
    data = path.read_bytes()
    assert b"genuine output" in data
    path.write_bytes(data.replace(b"genuine output", b"FORGED-OUTPUT!"))


class _ForgedState:
    """Unpickles to a note state whose namespace holds what the snippet did not define."""

    def __reduce__(self):
        state = (
            "{'namespace': {'__name__': '__note__', 'planted': 'STATE-PAYLOAD-RAN'},"
            " 'random': __import__('random').getstate()}"
        )
        return eval, (state,)


def _crafted_state(vault: Path) -> None:
    """Block 1's genuine result beside a crafted snapshot, block 2 not cached: a build that
    trusted the snapshot would resume block 2 in the namespace it plants."""
    from mkdocs_vault.execute.runner import BlockResult

    cache, keys, paths = _entry_paths(vault)
    cache.put(keys[0], BlockResult())
    paths[0].with_suffix(".state").write_bytes(pickle.dumps(_ForgedState()))


_TWO_BLOCKS = {
    "Home.md": "# Home\n\n```python exec\nx = 1\n```\n\n"
    "```python exec\nprint(globals().get('planted', 'nothing planted'))\n```\n"
}


# A block whose `_repr_html_` returns a str subclass that, once unpickled, writes into the
# vault: in the MkDocs process, where no sandbox applies.
_UNPICKLES_INTO_VAULT = (
    "class Sneaky(str):\n"
    "    def __reduce__(self):\n"
    f"        target = str(NOTE_DIR / {MARKER!r})\n"
    "        return exec, (f'open({target!r}, \"w\").write(\"ran in the build\")',)\n"
    "\n"
    "class Shown:\n"
    "    def _repr_html_(self):\n"
    "        return Sneaky('<b>shown</b>')\n"
    "\n"
    "Shown()"
)

# A daemon thread that outlives its note and keeps a process running (started again
# whenever the note's end stops it) that holds the build's stderr: the process would
# outlive the build and its pipe (`mkdocs build | tee log`) would never close.
_LINGERING_THREAD = (
    "import subprocess, threading, time\n"
    "def keep_one_running():\n"
    "    while True:\n"
    f"        child = subprocess.Popen(['sleep', '{LINGER}'])\n"
    "        while child.poll() is None:\n"
    "            time.sleep(0.02)\n"
    "threading.Thread(target=keep_one_running, daemon=True).start()\n"
    "print('thread started')"
)


def _snippet(code: str) -> dict[str, str]:
    return {"Home.md": f"# Home\n\n```python exec\n{code}\n```\n"}


CACHE_CASES: tuple[Case, ...] = (
    Case(
        "cache-crafted-pickle-entry",
        _NOTE,
        ((_BLOCK_AT, "cached result ignored: the cached entry is not in this cache's format"),),
        make=_crafted_pickle,
    ),
    Case(
        "cache-entry-names-a-missing-module",
        _NOTE,
        ((_BLOCK_AT, "cached result ignored: the cached entry is not in this cache's format"),),
        make=_missing_module,
    ),
    Case(
        "cache-entry-truncated",
        _NOTE,
        ((_BLOCK_AT, "cached result ignored: the cached entry is not in this cache's format"),),
        make=_truncated,
    ),
    Case(
        "cache-entry-tampered",
        _NOTE,
        ((_BLOCK_AT, "cached result ignored: the cached entry is damaged"),),
        make=_tampered,
        forbid=("FORGED-OUTPUT!",),
    ),
    Case(
        "cache-crafted-snapshot",
        _TWO_BLOCKS,
        (),
        make=_crafted_state,
        execute=True,
        forbid=("STATE-PAYLOAD-RAN",),
    ),
    Case(
        "snippet-result-unpickles-into-the-vault",
        _snippet(_UNPICKLES_INTO_VAULT),
        (),
        execute=True,
    ),
    Case(
        "snippet-thread-outlives-its-note",
        _snippet(_LINGERING_THREAD),
        (),
        execute=True,
        timeout=20.0,
    ),
)
