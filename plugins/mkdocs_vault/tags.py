"""Obsidian tags: `#tag` / `#nested/tag` in text and `tags:` in front matter.

Obsidian's tag grammar: `#` then letters, digits, `_`, `-` and `/` (nesting), with at
least one character that is not a digit (`#1984` is not a tag); the `#` starts a tag
only at the start of a line or after whitespace, so `page#anchor`, `&#123;` and URLs
are not tags, and `# Heading` (a space) is a heading. Tags are case-insensitive.

The work is split the way Material's tags plugin expects it:

* `page_tags` (called in `on_page_markdown`, before Material's tags plugin at -50
  reads `page.meta["tags"]`) merges the front-matter tags with the tags written in
  the text, as Obsidian counts both, and reports front matter it cannot read.
* the note parser reads each `#tag` of the text (`obsidian_markdown._tag`, never in code
  spans or fences) and `token_tree` renders it as a link to the tag on the tags index, a
  page holding `<!-- material/tags -->` that the plugin generates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markdown import Extension

from .comments import MARKER, strip_comments
from .blocks import note_blocks
from .grammar import mask_code_spans
from .properties import list_items
from .render import relative_path

if TYPE_CHECKING:
    from collections.abc import Callable

# A tag's characters (after the `#`): Unicode letters and digits, `_`, `-`, `/`.
TAG_CHARS_RE = re.compile(r"^[\w/-]+$")
# `#tag` in text: the `#` at the start or after whitespace, then the tag's characters.
INLINE_TAG_PATTERN = r"(?<![^\s])#(?P<tag>[\w/-]+)"
INLINE_TAG_RE = re.compile(INLINE_TAG_PATTERN)
# `{: #id .class }` of attr_list (used by MkDocs sites and Material's tag listings): its
# `#id` is an id, not a tag.
ATTR_LIST_RE = re.compile(r"\{[^{}\n]*\}")
# An id in rendered HTML (the tags index's headings).
_ID_RE = re.compile(r'\bid="([^"]+)"')
# A front-matter key Obsidian reads tags from (`tag` is the legacy singular).
TAG_KEYS = ("tags", "tag")
TAG_HINT = "a tag is letters, digits, _, - and /, with at least one non-digit"
# Material's listing directive: the tags index page is this and nothing else.
INDEX_MARKDOWN = "# Tags\n\n<!-- material/tags -->\n"


def is_tag(name: str) -> bool:
    """Obsidian's rule for a tag name (without `#`)."""
    return bool(TAG_CHARS_RE.match(name)) and not name.replace("/", "").isdigit()


@dataclass
class FrontMatterTags:
    """Tags read from front matter, and what could not be read (message, hint) per key."""

    tags: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # key, message, hint


def front_matter_tags(meta: dict) -> FrontMatterTags:
    """`tags:` as a YAML list or a comma / space separated string, `#` optional.

    Anything else (a number, a mapping) or an entry that is no tag is a problem to
    report, never an exception: Obsidian shows such a property as invalid, too.
    """
    result = FrontMatterTags()
    for key in TAG_KEYS:
        value = meta.get(key)
        if value is None:
            continue
        items = list_items(value)
        if items is None:
            result.problems.append((key, f"'{key}: {value!r}' is not a list of tags", TAG_HINT))
            continue
        for item in items:
            if not isinstance(item, str):
                result.problems.append((key, f"{item!r} in '{key}' is not a tag", TAG_HINT))
                continue
            name = item.strip().removeprefix("#")
            if not name:
                continue
            if is_tag(name):
                result.tags.append(name)
            else:
                result.problems.append((key, f"'{item}' in '{key}' is not a tag", TAG_HINT))
    return result


def inline_tags(markdown: str) -> list[str]:
    """The `#tags` of a note's body, in order, ignoring code, fences and `%%comments%%`.

    Comments are removed first, by the rule the page and the link scanner use (a `%%`
    in a code span or fence opens none); then code is found as the page renders it:
    fenced and indented code, `$$` math and raw HTML blocks by the page's block rules
    (`blocks.py`), then code spans. The blocks are parsed only when the text has a
    tag-like `#word` at all (`# Heading` is none), so a note without tags costs no parse.
    """
    if "#" not in markdown:
        return []
    lines = markdown.split("\n")
    if MARKER in markdown:
        lines = strip_comments(lines)  # the page's own rule (`comments.py`)
    text = "\n".join(lines)
    if not any(is_tag(m.group("tag")) for m in INLINE_TAG_RE.finditer(text)):
        return []
    text = "\n".join(_without_code_blocks(lines))
    text = mask_code_spans(text)
    text = ATTR_LIST_RE.sub(" ", text)
    return [m.group("tag") for m in INLINE_TAG_RE.finditer(text) if is_tag(m.group("tag"))]


def _without_code_blocks(lines: list[str]) -> list[str]:
    """The lines with code, math and raw HTML blocks blanked (same number of lines)."""
    code = note_blocks(lines, headings=False).unparsed_lines()
    return ["" if number in code else line for number, line in enumerate(lines)]


def front_matter_line(lines: list[str], key: str) -> int:
    """The 1-based line of `key:` in the front matter (1 when not found)."""
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:")
    if lines and lines[0].rstrip() == "---":
        for number, line in enumerate(lines[1:], start=2):
            if line.rstrip() in ("---", "..."):
                break
            if pattern.match(line):
                return number
    return 1


class TagIndex:
    """The tags of one build: one spelling per tag (case-insensitive) and their anchors.

    `listing` is Material's tags plugin configuration, or None without that plugin;
    the anchors are computed with its own slugify settings so a `#tag` link lands on
    the heading Material renders for the tag.
    """

    def __init__(self, index_uri: str | None, listing=None) -> None:
        self.index_uri = index_uri
        self.listing = listing
        self.spelling: dict[str, str] = {}

    def canonical(self, name: str) -> str:
        """The first spelling seen in this build (Obsidian folds case)."""
        return self.spelling.setdefault(name.lower(), name)

    def anchor(self, name: str) -> str:
        """`tag:<slug>` as Material's listing writes it (hierarchy-aware)."""
        config = self.listing
        separator = config.tags_hierarchy_separator
        parts = name.split(separator) if config.tags_hierarchy else [name]
        slug = separator.join(
            config.tags_slugify(part, config.tags_slugify_separator) for part in parts
        )
        return config.tags_slugify_format.format(slug=slug)

    def href(self, name: str, folder: str) -> str | None:
        """Link from a note in `folder` to the tag on the index page (None: no index)."""
        if self.index_uri is None or self.listing is None:
            return None
        return f"{relative_path(self.index_uri, folder)}#{self.anchor(self.canonical(name))}"

    def register_listing_anchors(self, files) -> None:
        """Tell MkDocs about the tag headings Material wrote into the index page.

        Material fills the listing in `on_env` (priority 100), after MkDocs recorded the
        page's ids, so MkDocs' anchor check (after `on_env`) would report every `#tag`
        link as pointing at a missing anchor. Call this in `on_env`, after Material.
        """
        if self.index_uri is None:
            return
        file = files.get_file_from_path(self.index_uri)
        page = file.page if file is not None else None
        if page is None or page.content is None or page.present_anchor_ids is None:
            return
        page.present_anchor_ids.update(_ID_RE.findall(page.content))

    def page_tags(self, front: list[str], text: list[str]) -> list[str]:
        """Front matter first, then the text's, without case-insensitive duplicates."""
        seen: dict[str, str] = {}
        for name in [*front, *text]:
            seen.setdefault(name.lower(), self.canonical(name))
        return list(seen.values())


class TagsExtension(Extension):
    """Gives the page's Markdown the `#tag` state; `get_state` returns (TagIndex, note
    folder) or None. The note parser finds the tags (`obsidian_markdown._tag`, where code
    spans and wikilinks come first) and `token_tree` links them with this state."""

    def __init__(self, get_state: Callable[[], tuple[TagIndex, str] | None]) -> None:
        super().__init__()
        self.get_state = get_state

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        if self.get_state() is not None:
            md.vault_tag_state = self.get_state
