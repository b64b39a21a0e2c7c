"""Obsidian tags on the page: `#tag` / `#nested/tag` in text and `tags:` in front matter.

What a tag is lives in `grammar.py` (`is_tag`, `tags_in`); how `tags:` is read, in
`properties.py`; a note's tags (both, each once) are `Note.tags`, found at scan time.
Tags are case-insensitive: the build keeps the first spelling it meets.

The work is split the way Material's tags plugin expects it:

* `page_tags` (called in `on_page_markdown`, before Material's tags plugin at -50
  reads `page.meta["tags"]`) spells the note's tags (`Note.tags`: the front-matter
  tags, then the tags written in the text, as Obsidian counts both) as the build does;
  the graph takes them the same way.
* the note parser reads each `#tag` of the text (`obsidian_markdown._tag`, never in code
  spans or fences) and `token_tree` renders it as a link to the tag on the tags index, a
  page holding `<!-- material/tags -->` that the plugin generates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown import Extension

from .render import relative_path

if TYPE_CHECKING:
    from collections.abc import Callable

# An id in rendered HTML (the tags index's headings).
_ID_RE = re.compile(r'\bid="([^"]+)"')
# Material's listing directive: the tags index page is this and nothing else.
INDEX_MARKDOWN = "# Tags\n\n<!-- material/tags -->\n"


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

    def page_tags(self, tags: list[str]) -> list[str]:
        """A note's tags (`Note.tags`: front matter, then the text's) as this build spells
        them, without case-insensitive duplicates: what the page and the graph show."""
        seen: dict[str, str] = {}
        for name in tags:
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
