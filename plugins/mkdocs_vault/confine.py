"""Keep the site inside the vault: find files that a symlink brings in from outside it.

MkDocs follows symlinks when it lists `docs_dir`, so `vault/Linked.md -> ../secret.md`
or `vault/up -> ..` would publish files the writer never put in the vault (and a link
to a parent folder makes MkDocs walk in circles until the OS stops it). The plugin
drops such files in `on_files` and reports the symlink once; `walk.py` does not walk
into a symlinked folder at all, and reports one that leads outside with these words.
"""

from __future__ import annotations

from pathlib import Path

OUTSIDE_MESSAGE = "symlink leads outside the vault; left out"
OUTSIDE_HINT = "copy the file into the vault"


def escaping_symlink(path: Path, vault: Path) -> Path | None:
    """The outermost symlink between `vault` and `path` that leads outside `vault`, if any.

    A symlink that stays inside the vault is allowed (Obsidian follows it too); files
    that are not under `vault` at all (theme files, generated files) are not its business.
    """
    root = vault.resolve()
    try:
        parts = path.relative_to(vault).parts
    except ValueError:
        return None
    current = vault
    for part in parts:
        current = current / part
        if current.is_symlink() and not current.resolve().is_relative_to(root):
            return current
    return None
