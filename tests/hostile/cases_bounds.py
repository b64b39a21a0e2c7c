"""Hostile cases, round two (issue 16): bounded walking and per-note limits: symlink loops, huge counts, theme keys in front matter.

Every big input is written at run time by a `make=` function (nothing large is
committed). Before the fixes each of these hung (killed at its time limit) or failed the
build; the time limits are small, since a bounded build of each takes a few seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs_vault.limits import (
    MAX_BACKLINKS_LISTED,
    MAX_COMMENT_MARKERS,
    MAX_HEADINGS,
    MAX_TAGS,
    MAX_TRANSCLUSIONS_PER_PAGE,
)
from mkdocs_vault.walk import MAX_FOLDER_DEPTH

from hostile.cases import Case

_HOME = {"Home.md": "# Home\n\n[[Leaf]]\n", "sub/Leaf.md": "# Leaf\n"}
_LOOP = "symlink leads to a folder already on its path"


def _two_sibling_loops(vault: Path) -> None:
    os.symlink(".", vault / "sub" / "a")
    os.symlink(".", vault / "sub" / "b")


def _one_loop(vault: Path) -> None:
    os.symlink(".", vault / "loop")


def _self_link(vault: Path) -> None:
    os.symlink("Self.md", vault / "Self.md")


_DEEP = "/".join(["d"] * (MAX_FOLDER_DEPTH + 1))


def _deep_folders(vault: Path) -> None:
    (vault / _DEEP).mkdir(parents=True)
    (vault / _DEEP / "Bottom.md").write_text("# Bottom\n", encoding="utf-8")


_ENTRY_LIMIT = 300


def _many_entries(vault: Path) -> None:
    (vault / "zz-many").mkdir()
    for i in range(_ENTRY_LIMIT + 100):
        (vault / "zz-many" / f"f{i:04}.txt").write_text("x", encoding="utf-8")


def _home_line(text: str):
    def make(vault: Path) -> None:
        (vault / "Home.md").write_text(f"# Home\n\n{text}\n", encoding="utf-8")

    return make


def _many_headings(count: int, between: str = ""):
    def make(vault: Path) -> None:
        body = "".join(f"## H{i}\n{between}" for i in range(count))
        (vault / "Home.md").write_text(f"# Home\n\n{body}", encoding="utf-8")

    return make


def _tagged_notes(notes: int, tags: int):
    """`notes` notes with `tags` distinct tags each: the tags index lists them all."""

    def make(vault: Path) -> None:
        for n in range(notes):
            text = " ".join(f"#t{n}x{i}" for i in range(tags))
            (vault / f"N{n}.md").write_text(f"# N{n}\n\n{text}\n", encoding="utf-8")

    return make


def _fan_out(width: int, depth: int):
    """L0 embeds L1 `width` times, L1 embeds L2 `width` times, …: width^depth expansions."""

    def make(vault: Path) -> None:
        for level in range(depth):
            embeds = "".join(f"![[L{level + 1}]]\n\n" for _ in range(width))
            (vault / f"L{level}.md").write_text(f"# L{level}\n\n{embeds}", encoding="utf-8")
        (vault / f"L{depth}.md").write_text(f"# L{depth}\n\nleaf text\n", encoding="utf-8")

    return make


_BACKLINKERS = 40
_MENTIONS_EACH = MAX_BACKLINKS_LISTED // 10


def _many_backlinks(vault: Path) -> None:
    (vault / "Home.md").write_text("# Home\n\nthe hub\n", encoding="utf-8")
    for i in range(_BACKLINKERS):
        mentions = "".join(f"mention {j} of [[Home]] here\n\n" for j in range(_MENTIONS_EACH))
        (vault / f"N{i:02}.md").write_text(f"# N{i}\n\n{mentions}", encoding="utf-8")


BOUNDS_CASES: tuple[Case, ...] = (
    # --- walking the vault -------------------------------------------------------------
    Case(
        "symlink-two-sibling-loops",
        _HOME,
        (("vault/sub/a:1", _LOOP), ("vault/sub/b:1", _LOOP)),
        make=_two_sibling_loops,
        timeout=15,
    ),
    Case("symlink-one-loop", _HOME, (("vault/loop:1", _LOOP),), make=_one_loop, timeout=15),
    Case(
        "symlink-to-itself",
        _HOME,
        (("vault/Self.md:1", "symlink leads nowhere"),),
        make=_self_link,
        timeout=15,
    ),
    Case(
        "folders-nested-past-the-depth-limit",
        {**_HOME, "Deep.md": "# Deep\n\n[[Bottom]]\n"},
        (
            (f"vault/{_DEEP}:1", f"folder nested more than {MAX_FOLDER_DEPTH} deep"),
            ("vault/Deep.md:3", "note 'Bottom' not found"),
        ),
        make=_deep_folders,
        timeout=15,
    ),
    Case(
        "entries-past-the-count-limit",
        _HOME,
        (("vault/zz-many:1", f"more than {_ENTRY_LIMIT} files and folders"),),
        make=_many_entries,
        options={"max_vault_entries": _ENTRY_LIMIT},
        timeout=15,
    ),
    # --- front-matter keys the theme obeys ---------------------------------------------
    Case(
        "front-matter-template-missing",
        {"Home.md": "---\ntitle: Home\ntemplate: does-not-exist.html\n---\n# Home\n"},
        (("vault/Home.md:3", "template 'does-not-exist.html'"),),
        timeout=15,
    ),
    Case(
        "front-matter-template-outside-theme",
        {"Home.md": "---\ntemplate: ../../../../etc/passwd\n---\n# Home\n"},
        (("vault/Home.md:2", "template '../../../../etc/passwd'"),),
        timeout=15,
    ),
    Case(
        "front-matter-material-keys-bad",
        {
            "Home.md": "---\nicon: material/does-not-exist\nhide: 5\nsearch: yes\n---\n# Home\n",
            "Other.md": "---\nicon: ../../../../etc/passwd\nsearch: {boost: lots}\n---\n# O\n",
        },
        (
            ("vault/Home.md:2", "icon 'material/does-not-exist'"),
            ("vault/Home.md:3", "'hide: 5'"),
            ("vault/Home.md:4", "'search: True'"),
            ("vault/Other.md:2", "icon '../../../../etc/passwd'"),
            ("vault/Other.md:3", "'search: {'boost': 'lots'}'"),
        ),
        theme="material",
        plugins=("search",),
        timeout=25,
    ),
    # --- per-note limits ---------------------------------------------------------------
    Case(
        "tags-100k-in-a-note",
        {},
        (("vault/Home.md:3", f"more than {MAX_TAGS} tags"),),
        make=_home_line(" ".join(f"#t{i}" for i in range(100_000))),
        timeout=15,
    ),
    Case(
        "percent-signs-1m-on-a-line",
        {},
        (("vault/Home.md:3", f"more than {MAX_COMMENT_MARKERS}"),),
        make=_home_line("%" * 1_000_000),
        timeout=15,
    ),
    Case(
        "headings-200k-in-a-note",
        {},
        # `# Home` on line 1 is the first heading, `## H0` on line 3 the second.
        (("vault/Home.md:" + str(2 + MAX_HEADINGS), f"more than {MAX_HEADINGS} headings"),),
        make=_many_headings(200_000),
        timeout=15,
    ),
    Case(
        "headings-10k-in-the-search-index",
        {},
        (("vault/Home.md:" + str(3 * MAX_HEADINGS), f"more than {MAX_HEADINGS} headings"),),
        make=_many_headings(10_000, "\ntext\n"),
        theme="material",
        plugins=("search",),
        timeout=10,
    ),
    Case(
        "tags-4k-on-the-tags-index",
        {"tags.md": "# Tags\n\n<!-- material/tags -->\n"},
        (("vault/tags.md:1", "published without a table of contents"),),
        make=_tagged_notes(4, MAX_TAGS),
        theme="material",
        plugins=("search", {"tags": {}}),
        timeout=15,
    ),
    Case(
        "transclusion-fan-out-10x6",
        {},
        (("vault/L0.md:3", f"more than {MAX_TRANSCLUSIONS_PER_PAGE} transclusions"),),
        make=_fan_out(10, 6),
        # L1 and L2 pass the limit too (10,000 and 1,000 expansions): one warning each.
        tolerate=f"more than {MAX_TRANSCLUSIONS_PER_PAGE} transclusions",
        timeout=20,
    ),
    Case(
        "backlinks-from-many-notes",
        {},
        (("vault/Home.md:1", f"more than {MAX_BACKLINKS_LISTED} linked mentions"),),
        make=_many_backlinks,
        timeout=20,
    ),
)
