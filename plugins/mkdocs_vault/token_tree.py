"""markdown-it tokens → Python-Markdown's element tree: a note parsed as CommonMark.

MkDocs renders a page with Python-Markdown and reads the result of its tree processors:
the table of contents and heading permalinks (`toc`), the page title, links to other
pages rewritten to URLs, the anchors it validates. Keeping that pipeline and swapping
only the parse keeps all of it working: `install` makes `md.parser.parseDocument` parse
the note with `obsidian_markdown.note_parser` and build the same kind of tree
Python-Markdown's block and inline processors would, and removes the processors whose
work the parser has done (Python-Markdown's inline patterns, its raw-HTML and fence
preprocessors, the tab expansion that would break CommonMark's tab stops).

What the tree cannot hold (raw HTML, highlighted code, a transcluded note) goes into
Python-Markdown's `htmlStash`, as Python-Markdown itself does, and is put back by its
postprocessor. Fenced and indented code is rendered by pymdownx.superfences' own
preprocessor, so highlighting, line numbers and custom fences (`python exec`, mermaid)
behave exactly as configured.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import TYPE_CHECKING

from markdown.util import AtomicString

from . import callouts
from .grammar import overloaded_fences, parse_target
from .index import spelling_key
from .obsidian_markdown import MAX_NESTING, note_parser
from .resolve import block_anchor

if TYPE_CHECKING:
    from markdown import Markdown
    from markdown_it.token import Token

    from .render import LinkRenderer

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

_BLOCK_ID_CLASS = "vault-block-id"
# What markdown-it names differently from the HTML GFM specifies.
_TAGS = {"s": "del"}
# Python-Markdown's preprocessors whose work the CommonMark parse does (or undoes).
_REPLACED_PREPROCESSORS = ("normalize_whitespace", "html_block")
# Tree processors that would read the parsed text as Python-Markdown syntax again.
# (`attr_list` stays: Material's tags plugin marks where a listing goes with `{ #id }`.)
_REPLACED_TREEPROCESSORS = ("inline",)
_LINE_ENDINGS_RE = re.compile(r"\r\n?")


def install(
    md: Markdown, renderer: LinkRenderer | None, breaks: bool, obsidian: bool = True
) -> None:
    """Parse pages with the note parser: replace `md.parser.parseDocument`.

    `renderer` renders wikilinks and embeds (None: a text without them, as in tests);
    `obsidian=False` parses CommonMark + GFM only (`note_parser`)."""
    fences = None
    if "fenced_code_block" in md.preprocessors:
        fences = md.preprocessors["fenced_code_block"]
        # Superfences' validators look their preprocessor up by name: it stays registered,
        # idle on the page's lines; the tree builder hands it each fence the parser found.
        md.preprocessors.register(_IdleFences(fences), "fenced_code_block", 25)
    for name in _REPLACED_PREPROCESSORS:
        if name in md.preprocessors:
            md.preprocessors.deregister(name)
    for name in _REPLACED_TREEPROCESSORS:
        if name in md.treeprocessors:
            md.treeprocessors.deregister(name)
    parser = note_parser(breaks, obsidian)

    def parse_document(lines: list[str]) -> etree.ElementTree:
        source = _LINE_ENDINGS_RE.sub("\n", "\n".join(lines)).replace("\x02", "").replace(
            "\x03", ""
        )
        tokens = parser.parse(source, {})
        if any(token.level >= MAX_NESTING - 1 for token in tokens):
            # markdown-it dropped what lies deeper: never publish a note with a part lost.
            raise RecursionError(f"blocks nested more than {MAX_NESTING - 1} deep")
        root = etree.Element(md.doc_tag)
        first_line = None
        if renderer is not None and renderer.stack:
            lines_parsed = source.count("\n") + (0 if source.endswith("\n") else 1)
            first_line = renderer.context.text_first_line(lines_parsed)
        TreeBuilder(md, renderer, fences, breaks, first_line).build(root, tokens)
        return etree.ElementTree(root)

    md.parser.parseDocument = parse_document


class _IdleFences:
    """Superfences' preprocessor as its validators find it, doing nothing on the page."""

    def __init__(self, fences) -> None:
        self.fences = fences

    def run(self, lines: list[str]) -> list[str]:
        return lines

    def __getattr__(self, name: str):
        return getattr(self.fences, name)


class TreeBuilder:
    """One page's tokens into one element tree (a new builder per parse)."""

    def __init__(
        self,
        md: Markdown,
        renderer: LinkRenderer,
        fences,
        breaks: bool,
        first_line: int | None = None,
    ) -> None:
        self.md = md
        self.renderer = renderer
        self.fences = fences  # superfences' preprocessor, or None without superfences
        self.breaks = breaks
        # The note line of the parsed text's first line (None: not a note's text).
        self.first_line = first_line
        self.tag_state: Callable | None = getattr(md, "vault_tag_state", None)
        md.vault_note_html = []  # stash indices of the note's own HTML (`raw_html.py`)

    # -- blocks ---------------------------------------------------------------------------
    def build(self, root: etree.Element, tokens: list[Token]) -> None:
        stack = [root]
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            parent = stack[-1]
            if kind == "paragraph_open":
                index = self._paragraph(parent, tokens, index)
                continue
            if kind == "callout_open":
                stack.append(self._callout(parent, token, tokens[index + 2]))
                index += 4  # open, title_open, title inline, title_close
                continue
            if kind == "footnote_block_open":
                stack.append(self._footnote_block(parent))
            elif kind == "footnote_open":
                number = token.meta["id"] + 1
                stack.append(etree.SubElement(parent, "li", {"id": f"fn:{number}"}))
            elif kind == "footnote_anchor":  # a footnote that ends in no paragraph
                self._footnote_backref(parent, token)
            elif token.nesting == 1:
                stack.append(etree.SubElement(parent, _tag_of(token), _attrs(token)))
            elif token.nesting == -1:
                stack.pop()
            elif kind == "inline":
                self.inline(parent, token.children or [])
            elif kind in ("fence", "code_block"):
                self._code(parent, token)
            elif kind == "html_block":
                self._stash_block(parent, token.content)
            elif kind in ("math_block", "math_block_label"):
                self._math(parent, token.content, display=True)
            elif kind == "hr":
                etree.SubElement(parent, "hr")
            elif token.tag:
                etree.SubElement(parent, token.tag, _attrs(token))
            index += 1

    def _paragraph(self, parent: etree.Element, tokens: list[Token], index: int) -> int:
        """A paragraph, or what Obsidian makes of it: a whole-line note embed is a block
        (a transcluded note holds paragraphs and lists, which a `<p>` cannot), and a
        paragraph that is only `^id` names the block before it. Returns the index after
        its `paragraph_close` (a footnote's `↩` comes just before that)."""
        opening, inline = tokens[index], tokens[index + 1]
        close = index + 2
        while tokens[close].type != "paragraph_close":
            close += 1
        children = inline.children or []
        if len(children) == 1 and children[0].type == "vault_block_id":
            self._name_previous(parent, children[0].meta["id"])
            return close + 1
        segments = [("inline", children)]
        if any(child.type == "vault_link" and child.meta["embed"] for child in children):
            segments = self._segments(children)
        holder = parent
        for kind, part in segments:
            if kind == "embed":
                self._block_embed(parent, part)
            elif part:
                holder = parent if opening.hidden else etree.SubElement(parent, "p")
                self.inline(holder, part)
        for anchor in tokens[index + 2 : close]:
            if anchor.type == "footnote_anchor":
                self._footnote_backref(holder, anchor)
        return close + 1

    def _segments(self, children: list[Token]) -> list[tuple[str, object]]:
        """The paragraph's lines, with each line that is only a note embed on its own."""
        lines: list[list[Token]] = [[]]
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                lines[-1].append(child)
                lines.append([])
            else:
                lines[-1].append(child)
        segments: list[tuple[str, object]] = []
        current: list[Token] = []
        for line in lines:
            embed = self._embed_line(line)
            if embed is None:
                current.extend(line)
                continue
            if current:
                segments.append(("inline", _trim_break(current)))
                current = []
            segments.append(("embed", embed))
        if current:
            segments.append(("inline", _trim_break(current)))
        return segments

    def _embed_line(self, line: list[Token]) -> Token | None:
        content = [t for t in line if t.type not in ("softbreak", "hardbreak")]
        content = [t for t in content if not (t.type == "text" and not t.content.strip())]
        if len(content) != 1:
            return None
        token = content[0]
        if token.type != "vault_link" or not token.meta["embed"]:
            return None
        target = parse_target(token.meta["body"])
        if target.path:
            note = self.renderer.context.note
            if self.renderer.resolver.resolve_path(target.path, note).note is None:
                return None
        return token

    def _block_embed(self, parent: etree.Element, token: Token) -> None:
        raw, body = self._as_written(token)
        element, html = self.renderer.embed(raw, body)
        if element is not None:
            etree.SubElement(parent, "p").append(element)
        else:
            holder = etree.SubElement(parent, "div", {"class": "vault-embed-holder"})
            holder.text = self.md.htmlStash.store(html)

    def _name_previous(self, parent: etree.Element, block_id: str) -> None:
        """`^id` alone after a list, table or quote names that block."""
        previous = parent[-1] if len(parent) else None
        if previous is not None and "id" not in previous.attrib:
            previous.set("id", block_anchor(block_id))
        else:
            attributes = {"id": block_anchor(block_id), "class": _BLOCK_ID_CLASS}
            etree.SubElement(parent, "span", attributes)

    def _callout(self, parent: etree.Element, token: Token, title: Token) -> etree.Element:
        meta = token.meta
        element, heading = callouts.callout_container(
            parent, meta["type"], meta["fold"], meta["metadata"]
        )
        if title.children:
            self.inline(heading, title.children, html_as_text=True)
        else:
            heading.text = callouts.default_title(meta["type"])
        return element

    def _code(self, parent: etree.Element, token: Token) -> None:
        """Fenced or indented code, rendered by superfences as its own fence would be."""
        content = token.content
        if token.type == "fence":
            fence, info = token.markup, token.info
        else:
            longest = max((len(run) for run in re.findall("`+", content)), default=0)
            fence, info = "`" * max(3, longest + 1), ""
        lines = [fence + info, *content.split("\n")[:-1], fence]
        if self.fences is not None and not overloaded_fences(lines[:1]):
            # A custom fence's formatter (`execute/fence.py`) learns which of the note's
            # blocks it renders from the note line of the fence's first code line, the
            # line the scanner recorded: two blocks with the same source are told apart.
            self.md.vault_fence_line = (
                self.first_line + token.map[0] + 1
                if self.first_line is not None and token.map
                else None
            )
            try:
                rendered = [line for line in self.fences.run(lines) if line.strip()]
            finally:
                self.md.vault_fence_line = None
            if len(rendered) == 1 and rendered[0].strip().startswith("\x02"):
                _text(parent, "\n" + rendered[0].strip() + "\n")
                return
        # No superfences, or a header it would not read: plain code, as CommonMark shows it.
        language = info.split()[0] if info.strip() else ""
        pre = etree.SubElement(parent, "pre")
        code = etree.SubElement(pre, "code", {"class": f"language-{language}"} if language else {})
        code.text = AtomicString(_literal(content))

    def _stash_block(self, parent: etree.Element, html: str) -> None:
        _text(parent, "\n" + self._stash_note_html(html.rstrip("\n")) + "\n")

    def _stash_note_html(self, html: str) -> str:
        """Stash the note's own HTML, listed for `raw_html.RawHtmlSources`."""
        self.md.vault_note_html.append(len(self.md.htmlStash.rawHtmlBlocks))
        return self.md.htmlStash.store(html)

    def _math(self, parent: etree.Element, tex: str, display: bool) -> None:
        """Math as pymdownx.arithmatex's generic output, which the site typesets."""
        if display:
            element = etree.SubElement(parent, "div", {"class": "arithmatex"})
            element.text = AtomicString(f"\\[{tex.strip()}\\]")
        else:
            element = etree.SubElement(parent, "span", {"class": "arithmatex"})
            element.text = AtomicString(f"\\({tex}\\)")

    def _footnote_block(self, parent: etree.Element) -> etree.Element:
        """Footnotes as Python-Markdown's footnotes extension writes them (the theme's CSS)."""
        block = etree.SubElement(parent, "div", {"class": "footnote"})
        etree.SubElement(block, "hr")
        return etree.SubElement(block, "ol")

    def _footnote_backref(self, paragraph: etree.Element, token: Token) -> None:
        """The `↩` back to the reference, at the end of the footnote's last paragraph."""
        number = token.meta["id"] + 1
        suffix = f":{token.meta['subId']}" if token.meta.get("subId") else ""
        _text(paragraph, "\u00a0")
        backref = etree.SubElement(
            paragraph,
            "a",
            {
                "class": "footnote-backref",
                "href": f"#fnref{suffix}:{number}",
                "title": f"Jump back to footnote {number} in the text",
            },
        )
        backref.text = "\u21a9"

    # -- inlines --------------------------------------------------------------------------
    def inline(
        self, parent: etree.Element, children: list[Token], html_as_text: bool = False
    ) -> None:
        stack = [parent]
        for token in children:
            kind = token.type
            element = stack[-1]
            if kind == "text":
                _text(element, _literal(token.content))
            elif kind == "softbreak" and not self.breaks:
                _text(element, "\n")
            elif kind in ("softbreak", "hardbreak"):
                etree.SubElement(element, "br")  # `prettify` puts the newline after it
            elif kind == "code_inline":
                etree.SubElement(element, "code").text = AtomicString(_literal(token.content))
            elif kind == "vault_link":
                self._link(element, token)
            elif kind == "vault_tag":
                self._tag(element, token.content)
            elif kind == "vault_block_id":
                self._block_id(element, token.meta["id"])
            elif kind == "image":
                attributes = _attrs(token)
                attributes["alt"] = _plain_text(token.children or [])
                etree.SubElement(element, "img", attributes)
            elif kind == "html_inline":
                if html_as_text:
                    _text(element, token.content)
                else:
                    _text(element, self._stash_note_html(token.content))
            elif kind == "math_inline":
                self._math(element, token.content, display=False)
            elif kind == "math_inline_double":  # `$$…$$` inside a line: display math
                math = etree.SubElement(element, "span", {"class": "arithmatex"})
                math.text = AtomicString(f"\\[{token.content.strip()}\\]")
            elif kind == "footnote_ref":
                number = token.meta["id"] + 1
                suffix = f":{token.meta['subId']}" if token.meta.get("subId") else ""
                sup = etree.SubElement(element, "sup", {"id": f"fnref{suffix}:{number}"})
                attributes = {"class": "footnote-ref", "href": f"#fn:{number}"}
                link = etree.SubElement(sup, "a", attributes)
                link.text = str(number)
            elif token.nesting == 1:
                stack.append(etree.SubElement(element, _tag_of(token), _attrs(token)))
            elif token.nesting == -1:
                stack.pop()
            elif token.tag:
                etree.SubElement(element, token.tag, _attrs(token))

    def _as_written(self, token: Token) -> tuple[str, str]:
        """The link as the note writes it (the scanner recorded the note's own spelling)."""
        raw, body = token.content, token.meta["body"]
        note = self.renderer.context.note
        if raw in note.occurrence_lines:
            return raw, body
        # CommonMark reads a NUL as U+FFFD, and a table cell `\|` as `|`.
        for candidate in (raw.replace("\ufffd", "\x00"), raw.replace("|", "\\|")):
            if candidate in note.occurrence_lines:
                return candidate, candidate[candidate.index("[[") + 2 : -2]
        written = note.written_links.get(spelling_key(raw))
        if written is not None:
            return written, written[written.index("[[") + 2 : -2]
        return raw, body

    def _link(self, parent: etree.Element, token: Token) -> None:
        raw, body = self._as_written(token)
        if not token.meta["embed"]:
            _append(parent, self.renderer.link(raw, body))
            return
        element, html = self.renderer.embed(raw, body)
        if element is not None:
            _append(parent, element)
        else:
            _text(parent, self.md.htmlStash.store(html))

    def _tag(self, parent: etree.Element, name: str) -> None:
        state = self.tag_state() if self.tag_state is not None else None
        if state is None:
            _text(parent, "#" + name)
            return
        tags, folder = state
        href = tags.href(name, folder)
        if href is None:
            element = etree.Element("span", {"class": "md-tag vault-tag"})
        else:
            element = etree.Element("a", {"class": "md-tag vault-tag", "href": href})
        element.text = AtomicString("#" + name)
        _append(parent, element)

    def _block_id(self, parent: etree.Element, block_id: str) -> None:
        marker = etree.Element("span", {"class": _BLOCK_ID_CLASS, "data-block-id": block_id})
        _append(parent, marker)
        self.md.vault_block_ids = True


def _tag_of(token: Token) -> str:
    return _TAGS.get(token.tag, token.tag)


def _attrs(token: Token) -> dict[str, str]:
    return {str(key): str(value) for key, value in token.attrs.items()} if token.attrs else {}


def _text(element: etree.Element, text: str) -> None:
    """Add text at the end of `element` (its text, or its last child's tail)."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _append(parent: etree.Element, child: etree.Element) -> None:
    tail = child.tail
    child.tail = None
    parent.append(child)
    if tail:
        _text(parent, tail)


def _literal(text: str) -> str:
    """Text to show as written. The parser has already decoded the note's entities, so an
    `&` left in text is literal (`\\&ouml;`); Python-Markdown's serializer would keep
    `&ouml;` as an entity, so the `&` is escaped here (the serializer keeps `&amp;`)."""
    return text.replace("&", "&amp;") if "&" in text else text


def _plain_text(tokens: list[Token]) -> str:
    """An image's alt text: the text of its description, without markup (CommonMark)."""
    out = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.children:
            out.append(_plain_text(token.children))
    return "".join(out)


def _trim_break(tokens: list[Token]) -> list[Token]:
    while tokens and tokens[-1].type in ("softbreak", "hardbreak"):
        tokens = tokens[:-1]
    return tokens

