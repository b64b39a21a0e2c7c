"""Every list in the owner's real notes has the outline a CommonMark parser gives it.

Obsidian parses notes as CommonMark + GFM, so a reader who knows a note in Obsidian
expects the same outline on the site: for every top-level list in document order, the
same kind (`ul`/`ol`), the same number of items, and under each item the same nested
lists. The oracle is markdown-it-py's CommonMark renderer (plus GFM tables and
strikethrough) run on the same file after its front matter; Obsidian's `[[wikilinks]]`
and `$math$` stay text there, which changes no block structure in these notes.

Only `<ul>`/`<ol>` nesting is compared: callouts (quotes that become admonitions),
embeds and math may legitimately change the other elements around the lists.
Before issue 11: `001_…md` (tab-nested bullets, `- 2. It is dynamic:` items, a numbered
list right after a text line) came out with wrong nesting and merged items.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import run_build, write_config
from markdown_it import MarkdownIt

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-notes"
NOTES = sorted(SEED.glob("0*.md")) if SEED.is_dir() else []
pytestmark = pytest.mark.skipif(not NOTES, reason=f"seed notes not found at {SEED}")

# A leading `---` block is the note's properties (Obsidian reads nothing else as such).
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^---[ \t]*\r?$\n?", re.S | re.M)


@dataclass
class Outline:
    """One list: its kind, and for each item the lists nested in it (and a text to name it)."""

    tag: str
    items: list[list[Outline]]
    labels: list[str]

    def shape(self) -> str:
        """Compact form, e.g. `ul[*, *ol[*, *], *]`: kinds, item counts and nesting."""
        return f"{self.tag}[" + ", ".join("*" + "".join(c.shape() for c in kids) for kids in self.items) + "]"


def _label(li: Tag) -> str:
    """The item's own first words (not those of lists nested in it), to name it in a failure."""
    words = []
    for piece in li.find_all(string=True):
        parent = piece.parent
        while parent is not li and parent.name not in ("ul", "ol"):
            parent = parent.parent
        if parent is not li:
            break
        words.append(piece)
    text = " ".join("".join(words).split())
    return text[:50] + ("…" if len(text) > 50 else "")


def _lists_below(element: Tag) -> list[Tag]:
    """The `ul`/`ol` under `element` that are not inside a deeper `li` (nor in code)."""
    found = []
    for child in element.children:
        if not isinstance(child, Tag) or child.name in ("pre", "code"):
            continue
        if child.name in ("ul", "ol"):
            found.append(child)
        elif child.name != "li":
            found.extend(_lists_below(child))
    return found


def _outline(element: Tag) -> Outline:
    items = element.find_all("li", recursive=False)
    return Outline(
        element.name,
        [[_outline(sub) for sub in _lists_below(li)] for li in items],
        [_label(li) for li in items],
    )


def outlines(root: Tag) -> list[Outline]:
    """Every top-level list under `root`, in document order."""
    return [_outline(el) for el in _lists_below(root)]


def expected_outlines(path: Path) -> list[Outline]:
    text = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)
    return outlines(BeautifulSoup(html, "html.parser"))


def first_difference(expected: Outline, got: Outline, where: str) -> str | None:
    """Where two outlines first part, in words; None if they agree."""
    if expected.tag != got.tag or len(expected.items) != len(got.items):
        return (
            f"{where}: expected <{expected.tag}> with {len(expected.items)} items "
            f"{expected.labels}, got <{got.tag}> with {len(got.items)} items {got.labels}"
        )
    for number, (want, have, label) in enumerate(zip(expected.items, got.items, expected.labels), start=1):
        item = f"{where} > item {number} ({label!r})"
        if len(want) != len(have):
            return (
                f"{item}: expected {len(want)} nested list(s) {[o.shape() for o in want]}, "
                f"got {len(have)} {[o.shape() for o in have]}"
            )
        for index, (w, h) in enumerate(zip(want, have), start=1):
            found = first_difference(w, h, f"{item} > list {index}")
            if found:
                return found
    return None


def _content(build, note: Path) -> Tag:
    """The note's own content: the article, less any footnotes block (the oracle has none)."""
    soup = build.soup(note.name)
    for footnotes in soup.select(".footnote, .footnotes"):
        footnotes.decompose()
    return soup


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("outlines")
    (root / "vault").mkdir()
    for path in NOTES:
        shutil.copy(path, root / "vault" / path.name)
    # No backlinks or graph: only what each note itself says is on its page.
    return run_build(write_config(root, plugins=({"vault": {"backlinks": False, "graph": False}},)))


def test_the_oracle_sees_the_lists_the_seed_notes_are_made_of():
    # Guards the oracle itself: note 001 is one long tab-nested outline.
    shapes = {path.name: [o.shape() for o in expected_outlines(path)] for path in NOTES}
    assert sum(len(s) for s in shapes.values()) >= 5
    assert any("ol[" in s and "ul[" in s for s in map("".join, shapes.values()))
    assert max(s.count("[") for s in map("".join, shapes.values())) > 20


@pytest.mark.parametrize("note", NOTES, ids=[p.name for p in NOTES])
def test_every_list_has_the_commonmark_outline(seed_site, note):
    expected = expected_outlines(note)
    got = outlines(_content(seed_site, note))
    problems = []
    if len(expected) != len(got):
        problems.append(
            f"{note.name}: expected {len(expected)} top-level lists {[o.shape() for o in expected]}, "
            f"got {len(got)} {[o.shape() for o in got]}"
        )
    for number, (want, have) in enumerate(zip(expected, got), start=1):
        found = first_difference(want, have, f"{note.name} list {number} ({want.labels[0]!r})")
        if found:
            problems.append(found)
    assert not problems, "\n".join(problems)
