"""`<img src="attachments/x.png">` in a note's own HTML finds its file as Obsidian does.

Obsidian resolves the source of an image, audio or video element a note writes in HTML
like a Markdown link: beside the note, from the vault root, then by name. Python-Markdown
keeps raw HTML out of the element tree (in its `htmlStash`), so neither our Markdown-link
processor nor MkDocs' relpath processor sees it, and on a page published as
`folder/Note/` the URL would point nowhere. `RawHtmlSources` rewrites those sources to
the file's URL relative to the page; a source that names no file is reported at its line.

Only the note's raw HTML is touched: the stash also holds code blocks, snippet outputs and
the plugin's own embeds, so the tree builder (`token_tree.py`) lists the stash entries
that hold the note's own HTML in `md.vault_note_html`.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .html_escape import attributes_html
from .ids import line_of

if TYPE_CHECKING:
    from .render import LinkRenderer

# Elements whose `src` Obsidian resolves in a vault; a cheap test before any parsing.
SOURCE_TAGS = frozenset({"img", "audio", "video", "source"})
_CANDIDATE_RE = re.compile(r"<(?:img|audio|video|source)\b", re.IGNORECASE)


class RawHtmlSources(Treeprocessor):
    """After the parse, when every raw HTML fragment of the note is stashed."""

    def __init__(self, md, renderer: LinkRenderer) -> None:
        super().__init__(md)
        self.renderer = renderer

    def run(self, root) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        if self.renderer.files is None:
            return
        for number in getattr(self.md, "vault_note_html", ()):
            html = stash[number]
            if isinstance(html, Markup) or not isinstance(html, str):
                continue  # the plugin's own HTML
            if _CANDIDATE_RE.search(html):
                stash[number] = rewrite_sources(html, self._url)

    def _url(self, src: str) -> str | None:
        """The page-relative URL of the vault file `src` names; None leaves it as written."""
        scheme, netloc, path, query, fragment = urlsplit(src)
        if scheme or netloc or not path or path.startswith("/"):
            return None
        if not posixpath.splitext(path)[1]:
            return None  # extension-less: not a file name, as for Markdown links
        renderer = self.renderer
        note = renderer.context.note
        path = unquote(path)
        files = renderer.files
        beside = posixpath.normpath(posixpath.join(note.folder, path)).lstrip("/")
        if files.get_file_from_path(beside) is not None:
            target = beside
        elif files.get_file_from_path(path) is not None:
            target = path
        else:
            resolution = renderer.resolver.resolve_path(path, note)
            if not resolution.found:
                line = _line_of(renderer, src)
                for problem in resolution.problems:
                    renderer.report(line, problem)
                return None
            target = (resolution.note or resolution.attachment).src_uri
        url = renderer.final_url(target)
        return url + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


def rewrite_sources(html: str, url_for) -> str:
    """`html` with the `src` of each img/audio/video/source replaced by `url_for(src)`.

    The fragment is tokenized by the standard library's HTML parser; only a start tag
    whose source changes is written again (attributes escaped), the rest stays byte for byte.
    """
    tags = _SourceTags(html)
    if not tags.found:
        return html
    # The parser counts lines by "\n" alone (not `splitlines`' other breaks).
    line_starts = [0] + [match.end() for match in re.finditer("\n", html)]
    pieces, position = [], 0
    for (line, column), text, tag, attributes in tags.found:
        offset = line_starts[line - 1] + column
        if html[offset : offset + len(text)] != text:
            continue  # the parser's position does not match the text: leave it as written
        changed = False
        rebuilt = []
        for name, value in attributes:
            if name == "src" and value:
                url = url_for(value)
                if url is not None and url != value:
                    value, changed = url, True
            rebuilt.append((name, value))
        if not changed:
            continue
        pieces.append(html[position:offset])
        pieces.append(_start_tag(tag, rebuilt, text.endswith("/>")))
        position = offset + len(text)
    pieces.append(html[position:])
    return "".join(pieces)


def _start_tag(tag: str, attributes: list[tuple[str, str | None]], closed: bool) -> str:
    return f"<{tag}{attributes_html(attributes)}{' /' if closed else ''}>"


class _SourceTags(HTMLParser):
    """Start tags of img/audio/video/source with their position and exact text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, str, list]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        if tag in SOURCE_TAGS:
            self.found.append((self.getpos(), self.get_starttag_text(), tag, attrs))

    handle_startendtag = handle_starttag


def _line_of(renderer: LinkRenderer, src: str) -> int:
    """The first line of the rendered part of the note that holds `src`."""
    context = renderer.context
    last = context.last_line or len(context.note.lines)
    part = context.note.lines[context.first_line - 1 : last]
    return context.first_line - 1 + line_of(part, src, 1)
