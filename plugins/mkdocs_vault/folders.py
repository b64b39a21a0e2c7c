"""Folder index pages and a navigation made of folders, for large vaults.

Every MkDocs page renders the whole navigation, so a nav listing every note
costs O(notes) per page and O(notes²) per build. A nav of folders only stays
small however many notes there are; each folder gets an index page (generated
here when the folder has no `index.md`/`README.md`) listing its notes and
sub-folders, so every note is still two clicks from the nav.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from urllib.parse import quote

from .index import VaultIndex
from .render import relative_path

INDEX_NAMES = ("index.md", "README.md")


def folder_tree(index: VaultIndex) -> dict[str, list[str]]:
    """Folder → its published notes (src_uris), for every folder that holds a note."""
    tree: dict[str, list[str]] = defaultdict(list)
    for note in index.notes.values():
        if not note.published:
            continue
        folder = note.folder
        tree[folder].append(note.src_uri)
        while folder:  # make every ancestor folder known, even when it holds no note
            folder = posixpath.dirname(folder)
            tree.setdefault(folder, [])
    return tree


def index_page_of(folder: str, notes: list[str]) -> str | None:
    """The folder's own index note, if it has one."""
    for name in INDEX_NAMES:
        uri = posixpath.join(folder, name) if folder else name
        if uri in notes:
            return uri
    return None


def subfolders(tree: dict[str, list[str]], folder: str) -> list[str]:
    """Direct sub-folders of `folder`, sorted case-insensitively."""
    children = [f for f in tree if f and posixpath.dirname(f) == folder]
    return sorted(children, key=str.casefold)


def folder_page_markdown(tree: dict[str, list[str]], folder: str, index_uri: str) -> str:
    """A generated index page: the folder's sub-folders and notes, as plain Markdown links."""
    title = posixpath.basename(folder) if folder else "Notes"
    lines = [f"# {title}", ""]
    children = subfolders(tree, folder)
    if children:
        lines += ["## Folders", ""]
        for child in children:
            target = index_page_of(child, tree[child]) or posixpath.join(child, "index.md")
            lines.append(f"- [{posixpath.basename(child)}/]({_link(target, folder)})")
        lines.append("")
    notes = sorted((uri for uri in tree[folder] if uri != index_uri), key=lambda u: u.casefold())
    if notes:
        lines += ["## Notes", ""]
        for uri in notes:
            name = posixpath.splitext(posixpath.basename(uri))[0]
            lines.append(f"- [{_escape(name)}]({_link(uri, folder)})")
        lines.append("")
    return "\n".join(lines)


def folder_nav(tree: dict[str, list[str]], index_uris: dict[str, str]) -> list:
    """MkDocs `nav` config: the home page, then one section per folder with its index page."""

    def section(folder: str):
        children = [index_uris[folder]] + [section(child) for child in subfolders(tree, folder)]
        return {posixpath.basename(folder): children}

    return [index_uris[""]] + [section(child) for child in subfolders(tree, "")]


def _link(target_uri: str, folder: str) -> str:
    return quote(relative_path(target_uri, folder))


def _escape(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")
