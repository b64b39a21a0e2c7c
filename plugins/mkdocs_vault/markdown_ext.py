"""The vault's Markdown extension: notes parsed as Obsidian reads them, links resolved.

A page's text is parsed by the note parser (`obsidian_markdown.py`, CommonMark + GFM +
Obsidian's syntax) into Python-Markdown's element tree (`token_tree.py`); what this module
adds are the steps around that parse, in Python-Markdown's processor order:

* `%%comments%%` are removed by a preprocessor (28) before the parse, with the rule the
  scanner uses (`comments.py`): a comment may span headings, fences and lists, and what
  it hides is never parsed.
* After the parse, tree processors give a `^block-id` to its paragraph or list item (19),
  resolve the sources of a note's own `<img>`/`<audio>`/`<video>` (3, `raw_html.py`) and
  ordinary Markdown links by Obsidian's rules (2, before MkDocs' own relpath processor, 0).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from mkdocs.utils import get_relative_url

from . import token_tree
from .comments import MARKER, strip_comments
from .raw_html import RawHtmlSources
from .render import broken, relative_path
from .render_guard import guard_convert
from .resolve import Problem, block_anchor

if TYPE_CHECKING:
    from .render import LinkRenderer



class VaultMarkdownExtension(Extension):
    """Registers the Obsidian processors; `get_renderer` returns the live renderer."""

    def __init__(
        self,
        get_renderer,
        render_timeout: float = 0,
        report_unrendered: Callable[[str, str], None] | None = None,
        breaks: bool = True,
    ) -> None:
        super().__init__()
        self.get_renderer = get_renderer
        self.render_timeout = render_timeout  # CPU seconds a page may take (0: no limit)
        self.report_unrendered = report_unrendered or (lambda _reason, _hint: None)
        self.breaks = breaks  # a single newline is a line break (Obsidian's default)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        """Register every processor with the priority explained in the module docstring."""
        renderer = self.get_renderer()
        if renderer is None or not renderer.stack:
            return  # Markdown built outside a page render (another plugin's): leave it plain
        if not renderer.context.nested:  # a transclusion is part of its page's budget
            guard_convert(md, self.render_timeout, self.report_unrendered)
        token_tree.install(md, renderer, self.breaks)
        # After whitespace normalisation (30): see `comments.py`.
        md.preprocessors.register(CommentPreprocessor(md), "vault_comments", 28)
        # After the parse: move block ids onto their paragraph / list item.
        md.treeprocessors.register(BlockIdTreeprocessor(md), "vault_block_ids", 19)
        # The sources of the note's own `<img>`/`<audio>`/`<video>` (`raw_html.py`).
        md.treeprocessors.register(RawHtmlSources(md, renderer), "vault_raw_html", 3)
        # Before MkDocs' relpath (0): Obsidian resolution for ordinary Markdown links.
        md.treeprocessors.register(MarkdownLinkTreeprocessor(md, renderer), "vault_md_links", 2)
        if renderer.context.nested:
            # Inside a transclusion MkDocs' relpath processor is absent: map links ourselves.
            md.treeprocessors.register(RebaseTreeprocessor(md, renderer), "vault_rebase", 0)


class CommentPreprocessor(Preprocessor):
    """Remove `%%comments%%` before any block is parsed (`comments.strip_comments`)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(MARKER in line for line in lines):
            return lines
        return strip_comments(lines)


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
