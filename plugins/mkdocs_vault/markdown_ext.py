"""Obsidian syntax inside Python-Markdown, so code is never touched.

Why these processor types and priorities:

* Fenced code is stashed by superfences' preprocessor (25) and indented code
  is claimed by the `code` block processor (80) before any block processor of
  ours runs; code spans are taken by `backtick` (190) before our inline
  processor (185) sees the text. So `[[x]]` inside code stays literal
  without our code ever looking for code.
* `%%comments%%` are removed by a preprocessor (28) before superfences (25) and
  any block is parsed, with the rule the scanner uses (`comments.py`): a comment
  may span headings, fences and lists, and what it hides is never parsed.
* The inline processor (185) runs before `escape` (180) because Obsidian reads `\\|`
  inside a table cell as the alias pipe, and before `reference`/`link`
  (170/160), which would otherwise read `[[x]]` as a reference link.
* A whole-line `![[Note]]` is a block (74): transcluded Markdown contains
  paragraphs and lists, which cannot live inside a `<p>`.
* Callouts (`callouts.py`, 21) run just before the blockquote processor (20); `#tags`
  (`tags.py`, 184) right after our inline processor, in their own extension.
* `hashheader` is replaced: Obsidian needs a space after `#`, so `#tag` at the
  start of a line is a tag, not a heading.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from markdown import Extension
from markdown.blockprocessors import BlockProcessor, HashHeaderProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import INLINE_PLACEHOLDER_RE, STX
from mkdocs.utils import get_relative_url

from .callouts import CalloutProcessor
from .comments import MARKER, strip_comments
from .grammar import (
    BLOCK_ID_LINE_RE,
    BLOCK_ID_TAIL_FAST_PATTERN,
    WIKILINK_FAST_PATTERN,
    defuse_fence,
    overloaded_fences,
    parse_target,
)
from .raw_html import RawHtmlSources, RawHtmlStart
from .render import broken, relative_path
from .render_guard import guard_convert
from .index import spelling_key
from .resolve import Problem, block_anchor

if TYPE_CHECKING:
    from .render import LinkRenderer

_EMBED_LINE_RE = re.compile(r"^[ \t]*(?P<link>!\[\[(?P<body>[^\[\]\n]*?)\]\])[ \t]*$")
_BLOCK_ID_CLASS = "vault-block-id"
# Inline math as arithmatex's generic output holds it: `\(tex\)`.
_INLINE_MATH_RE = re.compile(r"\\\((?P<tex>.*)\\\)", re.DOTALL)
# Any of Python-Markdown's stash markers (inline, raw HTML, tags): `\x02…\x03`.
_STASH_MARK_RE = re.compile("\x02[^\x03]*\x03")
# A link with k stashed math spans has 2**k spellings: the first few are tried.
_MAX_SPELLINGS = 8


class VaultMarkdownExtension(Extension):
    """Registers the Obsidian processors; `get_renderer` returns the live renderer."""

    def __init__(
        self,
        get_renderer,
        obsidian_headings: bool = True,
        render_timeout: float = 0,
        report_unrendered: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.get_renderer = get_renderer
        self.obsidian_headings = obsidian_headings
        self.render_timeout = render_timeout  # CPU seconds a page may take (0: no limit)
        self.report_unrendered = report_unrendered or (lambda _reason, _hint: None)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        """Register every processor with the priority explained in the module docstring."""
        renderer = self.get_renderer()
        if renderer is None or not renderer.stack:
            return  # Markdown built outside a page render (another plugin's): leave it plain
        if not renderer.context.nested:  # a transclusion is part of its page's budget
            guard_convert(md, self.render_timeout, self.report_unrendered)
        parser = md.parser
        # Ahead of superfences (25, raw fences 31.05): see `grammar.overloaded_fences`.
        md.preprocessors.register(FenceOptionGuard(md), "vault_fence_guard", 35)
        # After whitespace normalisation (30), before superfences (25): see `comments.py`.
        md.preprocessors.register(CommentPreprocessor(md), "vault_comments", 28)
        if self.obsidian_headings:
            parser.blockprocessors.register(ObsidianHashHeaderProcessor(parser), "hashheader", 70)
        parser.blockprocessors.register(EmbedBlockProcessor(parser, renderer), "vault_embed", 74)
        parser.blockprocessors.register(BlockIdLineProcessor(parser), "vault_block_id_line", 73)
        # Just ahead of the blockquote processor (20): `> [!type]` quotes are callouts.
        parser.blockprocessors.register(CalloutProcessor(parser), "vault_callout", 21)
        md.inlinePatterns.register(ObsidianInlineProcessor(md, renderer), "vault_obsidian", 185)
        # After inline (20): move block ids onto their paragraph / list item.
        md.treeprocessors.register(BlockIdTreeprocessor(md), "vault_block_ids", 19)
        # Between superfences (25) and `html_block` (20), and after inline (20): the sources
        # of a note's own <img>/<audio>/<video> found as Obsidian finds them (`raw_html.py`).
        md.preprocessors.register(RawHtmlStart(md), "vault_raw_html_start", 21)
        md.treeprocessors.register(RawHtmlSources(md, renderer), "vault_raw_html", 3)
        # Before MkDocs' relpath (0): Obsidian resolution for ordinary Markdown links.
        md.treeprocessors.register(MarkdownLinkTreeprocessor(md, renderer), "vault_md_links", 2)
        if renderer.context.nested:
            # Inside a transclusion MkDocs' relpath processor is absent: map links ourselves.
            md.treeprocessors.register(RebaseTreeprocessor(md, renderer), "vault_rebase", 0)


class FenceOptionGuard(Preprocessor):
    """Show a fence opener with too many quoted options as text before superfences reads
    it (its regex would take exponential time); the scanner reports the line."""

    def run(self, lines: list[str]) -> list[str]:
        overloaded = overloaded_fences(lines)
        if not overloaded:
            return lines
        lines = list(lines)
        for index, _options in overloaded:
            lines[index] = defuse_fence(lines[index])
        return lines


class ObsidianHashHeaderProcessor(HashHeaderProcessor):
    """`# Heading` needs a space; `#tag` stays text."""

    # The header group is Python-Markdown's own: a run of `#` is taken whole (only closing
    # hashes end the header), so a long run costs linear, not quadratic, time.
    RE = re.compile(
        r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)"
        r"(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
    )


class CommentPreprocessor(Preprocessor):
    """Remove `%%comments%%` before any block is parsed (`comments.strip_comments`)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(MARKER in line for line in lines):
            return lines
        return strip_comments(lines)


class ObsidianInlineProcessor(InlineProcessor):
    """`[[link]]`, inline `![[embed]]` and a trailing ` ^block-id`.

    One processor with one alternation instead of two: Python-Markdown runs every
    inline pattern over every text node in a Python loop, so each extra pattern
    costs on every paragraph of every page. (Comments are gone before inline
    processing: `CommentPreprocessor`.)
    """

    PATTERN = rf"{WIKILINK_FAST_PATTERN}|{BLOCK_ID_TAIL_FAST_PATTERN}"

    def __init__(self, md, renderer: LinkRenderer) -> None:
        super().__init__(self.PATTERN, md)
        self.renderer = renderer

    def handleMatch(self, m, data):  # noqa: N802
        if m.group("body") is not None:
            return self._link(m, data)
        return self._block_id(m, data)

    def _link(self, m, data):
        start, end = m.start(0), m.end(0)
        embed = start > 0 and data[start - 1] == "!"
        if embed:
            start -= 1
        if start > 0 and data[start - 1] == "\\":
            return None, None, None  # `\[[x]]` is escaped: literal text
        raw, body = data[start:end], m.group("body")
        if STX in body or raw not in self.renderer.context.note.occurrence_lines:
            raw, body = self._as_written(raw, body)
        if not embed:
            return self.renderer.link(raw, body), start, end
        element, html = self.renderer.embed(raw, body)
        if element is not None:
            return element, start, end
        return self.md.htmlStash.store(html), start, end

    def _as_written(self, raw: str, body: str) -> tuple[str, str]:
        """The link as the note writes it, and its body, for a link the page shows changed:
        what ran before us stashed part of it (a code span, inline math: an inline
        placeholder in its text) or Python-Markdown expanded a tab in it.

        The scanner recorded every link of the note as written. Each placeholder is put
        back as the source it can have come from (a code span in backticks; math in `$`
        or `\\(`) and the result looked up among them, spaces ignored
        (`index.spelling_key`): dictionary lookups, whatever the note holds. So the heading
        is matched as written (``[[#`move`]]`` finds ``## `move` ``) and a warning names
        the link as written and its line, never a placeholder.
        """
        note = self.renderer.context.note
        parts = INLINE_PLACEHOLDER_RE.split(raw)[::2]  # split keeps the ids: drop them
        sources = [self._stashed_sources(m) for m in INLINE_PLACEHOLDER_RE.finditer(raw)]
        first = None
        for choice in itertools.islice(itertools.product(*sources), _MAX_SPELLINGS):
            candidate = parts[0] + "".join(a + b for a, b in zip(choice, parts[1:]))
            first = first or candidate
            written = (
                candidate
                if candidate in note.occurrence_lines
                else note.written_links.get(spelling_key(candidate))
            )
            if written is not None:
                return written, written[written.index("[[") + 2 : -2]
        if not sources:
            return raw, body  # not a link of this note's text (another plugin's?)
        # Not in the scan (a scanned note always is): the rebuilt source, never a placeholder.
        written = _STASH_MARK_RE.sub("", first)
        return written, written[written.index("[[") + 2 : -2]

    def _stashed_sources(self, match: re.Match) -> list[str]:
        """What one stashed inline node can have been written as, likeliest first."""
        node = self.md.treeprocessors["inline"].stashed_nodes.get(match.group(1))
        if node is None:
            return [""]
        if isinstance(node, str):
            return [node]
        text = html.unescape("".join(node.itertext()))
        if node.tag == "code":
            ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
            pad = " " if text.startswith("`") or text.endswith("`") else ""
            return [f"{ticks}{pad}{text}{pad}{ticks}"]
        math = _INLINE_MATH_RE.fullmatch(text)
        if math is not None or node.tag == "script":  # arithmatex: generic, or MathJax's
            tex = math.group("tex") if math is not None else text
            return [f"${tex}$", f"\\({tex}\\)"]
        return [text]

    def _block_id(self, m, data):
        start = m.start(0)
        if start > 0 and not data[start - 1].isspace():
            return None, None, None  # `x^id` is not a block id
        marker = etree.Element("span", {"class": _BLOCK_ID_CLASS, "data-block-id": m.group("id")})
        self.md.vault_block_ids = True
        return marker, start, m.end(0)


class EmbedBlockProcessor(BlockProcessor):
    """A line that is only `![[Note...]]`: transclude as a block, split the paragraph around it."""

    def __init__(self, parser, renderer: LinkRenderer) -> None:
        super().__init__(parser)
        self.renderer = renderer

    def _embed_line(self, block: str) -> int | None:
        for number, line in enumerate(block.split("\n")):
            match = _EMBED_LINE_RE.match(line)
            if match and self._is_note(match.group("body")):
                return number
        return None

    def _is_note(self, body: str) -> bool:
        target = parse_target(body)
        context = self.renderer.context
        if not target.path:
            return True
        return self.renderer.resolver.resolve_path(target.path, context.note).note is not None

    def test(self, parent, block) -> bool:
        return "![[" in block and self._embed_line(block) is not None

    def run(self, parent, blocks) -> None:
        block = blocks.pop(0)
        lines = block.split("\n")
        number = self._embed_line(block)
        assert number is not None
        before, after = lines[:number], lines[number + 1 :]
        if before:
            self.parser.parseBlocks(parent, ["\n".join(before)])
        match = _EMBED_LINE_RE.match(lines[number])
        raw, body = match.group("link"), match.group("body")
        if raw not in self.renderer.context.note.occurrence_lines:  # a tab, expanded
            written = self.renderer.context.note.written_links.get(spelling_key(raw))
            if written is not None:
                raw, body = written, written[3:-2]
        element, html = self.renderer.embed(raw, body)
        if element is not None:
            paragraph = etree.SubElement(parent, "p")
            paragraph.append(element)
        else:
            holder = etree.SubElement(parent, "div", {"class": "vault-embed-holder"})
            holder.text = self.parser.md.htmlStash.store(html)
        if after:
            blocks.insert(0, "\n".join(after))


class BlockIdLineProcessor(BlockProcessor):
    """`^id` alone after a list, table or quote names that block."""

    def test(self, parent, block) -> bool:
        return bool(BLOCK_ID_LINE_RE.match(block)) and "\n" not in block.strip()

    def run(self, parent, blocks) -> None:
        block_id = BLOCK_ID_LINE_RE.match(blocks.pop(0)).group("id")
        previous = parent[-1] if len(parent) else None
        if previous is not None and "id" not in previous.attrib:
            previous.set("id", block_anchor(block_id))
        else:
            etree.SubElement(
                parent, "span", {"id": block_anchor(block_id), "class": _BLOCK_ID_CLASS}
            )


class BlockIdTreeprocessor(Treeprocessor):
    """Give the paragraph/list item the `^id`, so a link scrolls to its start."""

    def run(self, root) -> None:
        if not getattr(self.md, "vault_block_ids", False):
            return  # no inline block id on this page: skip the walk
        for parent in root.iter():
            for child in list(parent):
                block_id = child.get("data-block-id") if child.tag == "span" else None
                if block_id is None:
                    continue
                if "id" not in parent.attrib and parent is not root:
                    parent.set("id", block_anchor(block_id))
                    _remove_keeping_tail(parent, child)
                else:
                    del child.attrib["data-block-id"]
                    child.set("id", block_anchor(block_id))
        # Strip the whitespace the marker left at the end of its block.
        for element in root.iter():
            if element.get("id", "").startswith("^"):
                if len(element) and element[-1].tail:
                    element[-1].tail = element[-1].tail.rstrip()
                elif element.text and not len(element):
                    element.text = element.text.rstrip()


def _remove_keeping_tail(parent, child) -> None:
    tail = child.tail or ""
    index = list(parent).index(child)
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(child)


class MarkdownLinkTreeprocessor(Treeprocessor):
    """`[x](My%20Note.md)` and `![](image.png)` resolve like wikilinks.

    Obsidian resolves a Markdown link relative to the note, then from the vault root,
    then by name; its fragment may be heading text (`#Some%20heading`) or `#^block`.
    A link that reaches no file is reported with its line and marked like a broken
    wikilink (MkDocs would only say which page, not where).
    """

    def __init__(self, md, renderer: LinkRenderer) -> None:
        super().__init__(md)
        self.renderer = renderer

    def run(self, root) -> None:
        if self.renderer.files is None:
            return
        broken_links = []
        for element in _links_and_images(root):  # C-level iteration; most links are ours
            replacement = self._resolve(element)
            if replacement is not None:
                broken_links.append((element, replacement))
        if broken_links:
            parents = {child: parent for parent in root.iter() for child in parent}
            for element, replacement in broken_links:
                replacement.tail = element.tail
                parent = parents[element]
                parent[list(parent).index(element)] = replacement

    def _resolve(self, element):
        renderer = self.renderer
        key = "href" if element.tag == "a" else "src"
        url = element.get(key)
        classes = element.get("class", "")
        if not url or "vault-link" in classes or "vault-embed" in classes:
            return None
        scheme, netloc, path, query, fragment = urlsplit(url)
        if scheme or netloc or not path or path.startswith("/"):
            return None
        path = unquote(path)
        context = renderer.context
        folder = context.note.folder
        if query and _names_file(renderer, folder, f"{path}?{unquote(query)}"):
            # `[x](<What?.md>)`: Obsidian reads a local link's `?` as part of the name.
            path, query = f"{path}?{unquote(query)}", ""
        beside = _join(folder, path)
        if renderer.files.get_file_from_path(beside) is not None:
            target_uri = beside
        elif renderer.files.get_file_from_path(path) is not None:
            target_uri = path  # vault-root relative, as Obsidian writes "absolute" links
        else:
            if not posixpath.splitext(path)[1]:
                return None  # a folder or extension-less URL: MkDocs' own rules apply
            resolution = renderer.resolver.resolve_path(path, context.note)
            if not resolution.found:
                line = self._line_of(url)
                for problem in resolution.problems:
                    renderer.report(line, problem)
                text = element.get("alt") if element.tag == "img" else "".join(element.itertext())
                return broken(text or path, resolution.problems, embed=element.tag == "img")
            target_uri = (resolution.note or resolution.attachment).src_uri
        note = renderer.index.notes.get(target_uri)
        if note is not None and element.tag == "a":
            renderer.note_linked(note, url)  # a mention for backlinks and the graph
        if fragment and note is not None:
            fragment = self._anchor(note, unquote(fragment))
        relative = quote(relative_path(target_uri, folder))
        element.set(key, urlunsplit(("", "", relative, query, fragment)))
        return None

    def _anchor(self, note, fragment: str) -> str:
        """Obsidian writes heading text (or `^id`) after `#`; the page carries slugs."""
        if fragment.startswith("^"):
            block = note.blocks.get(fragment[1:])
            return block_anchor(block.id) if block else fragment
        if any(h.anchor == fragment for h in note.headings):
            return fragment
        heading = self.renderer.resolver.find_heading(note, tuple(fragment.split("#")))
        return heading.anchor if heading else fragment

    def _line_of(self, url: str) -> int:
        """Where the link is written: the first source line holding its URL."""
        context = self.renderer.context
        for number, line in enumerate(context.note.lines, start=1):
            if number >= context.first_line and ("](" + url in line or "](<" + url in line):
                return number
        return context.first_line


class RebaseTreeprocessor(Treeprocessor):
    """Inside a transclusion: map links written relative to the origin note to final URLs."""

    def __init__(self, md, renderer: LinkRenderer) -> None:
        super().__init__(md)
        self.renderer = renderer

    def run(self, root) -> None:
        renderer = self.renderer
        origin = renderer.context.note
        for element in _links_and_images(root):
            key = "href" if element.tag == "a" else "src"
            url = element.get(key)
            if not url:
                continue
            scheme, netloc, path, query, fragment = urlsplit(url)
            if scheme or netloc or path.startswith("/"):
                continue
            target_uri = _join(origin.folder, unquote(path)) if path else origin.src_uri
            file = renderer.files.get_file_from_path(target_uri) if renderer.files else None
            if file is None or renderer.page_file is None:
                if path:
                    renderer.report(
                        renderer.context.first_line,
                        Problem(
                            f"link '{url}' in an embedded note points to no file", "fix the link"
                        ),
                    )
                continue
            new = get_relative_url(file.url, renderer.page_file.url)
            element.set(key, urlunsplit(("", "", new, query, fragment)))


def _names_file(renderer: LinkRenderer, folder: str, path: str) -> bool:
    """True when `path` finds a file by Obsidian's rules (beside, vault root, by name)."""
    files = renderer.files
    if files.get_file_from_path(_join(folder, path)) or files.get_file_from_path(path):
        return True
    return renderer.resolver.resolve_path(path, renderer.context.note).found


def _links_and_images(root):
    return [*root.iter("a"), *root.iter("img")]


def _join(folder: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(folder, path)).lstrip("/")
