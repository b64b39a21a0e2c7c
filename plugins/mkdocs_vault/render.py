"""Links and embeds → HTML elements, for the page being rendered.

The renderer holds what the Markdown processors cannot know on their own: the
index, the page being built and, for transclusions, the note whose text is
being rendered (its *origin*). Links are always written relative to the origin
note's source path (`../concepts/Softmax.md#definition`): on a page MkDocs'
own relpath processor turns them into URLs; inside a transclusion our rebase
processor does the same relative to the page that shows them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field, replace
from urllib.parse import quote

import markdown
from markdown.util import AtomicString
from markupsafe import Markup
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from . import excalidraw
from .diagnostics import Diagnostics
from .grammar import (
    BLOCK_ID_LINE_RE,
    BLOCK_ID_TAIL_RE,
    IMAGE_EXTENSIONS,
    LinkTarget,
    display_text,
    extension_of,
    image_alt_and_size,
    parse_target,
)
from .html_escape import escape_attribute, escape_text
from .index import Note, VaultIndex
from .limits import (
    MAX_TRANSCLUDED_BYTES_PER_BUILD,
    MAX_TRANSCLUDED_BYTES_PER_PAGE,
    MAX_TRANSCLUSIONS_PER_PAGE,
)
from .media import media_html, media_kind, media_options
from .resolve import Problem, Resolution, Resolver
from .sanitize import clean_own_embed

_CLASS_TOKEN_RE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class RenderContext:
    """The note whose text is being rendered and where in it we are."""

    note: Note
    first_line: int = 1
    last_line: int | None = None
    chain: tuple[str, ...] = ()
    counters: dict[str, int] = field(default_factory=dict)
    # Of a page's own context: transclusions expanded into it and their source bytes, the
    # line of the page's embed being expanded, and whether a page limit was reported.
    transclusions: int = 0
    transcluded_bytes: int = 0
    embed_line: int = 1
    over_limit: bool = False

    @property
    def nested(self) -> bool:
        """True inside a transclusion."""
        return bool(self.chain)

    def text_first_line(self, text_lines: int) -> int:
        """The note line of the first of the `text_lines` lines being parsed.

        A transclusion parses the note's lines from `first_line` on. A page parses what
        MkDocs kept of the note: front matter and blank lines dropped at the start, never
        at the end (`limits.split_at_cut`), so the page ends at the note's last line, or
        the line before its cut. Counted from the end, the page's lines are the note's.
        """
        if self.nested:
            return self.first_line
        scan = self.note.scan
        last = scan.line_count if scan.cut is None else scan.cut - 1
        return last - text_lines + 1


class LinkRenderer:
    """Renders wikilinks and embeds for one page at a time (reset per page)."""

    def __init__(
        self,
        index: VaultIndex,
        diagnostics: Diagnostics,
        files: Files | None = None,
        markdown_factory=None,
        max_embed_depth: int = 10,
    ) -> None:
        self.index = index
        self.resolver = Resolver(index)
        self.diagnostics = diagnostics
        self.files = files
        self.markdown_factory = markdown_factory
        self.max_embed_depth = max_embed_depth
        self.page_file: File | None = None
        self.transcluded_bytes = 0  # source bytes expanded by transclusions in this build
        self.stack: list[RenderContext] = []
        # (target src_uri, anchor) pairs emitted, checked against real ids after rendering.
        self.emitted_anchors: dict[tuple[str, str], str] = {}
        self._relative_cache: dict[tuple[str, str], str] = {}
        # Told of every link from the page's own note to a note (backlinks, graph):
        # `(origin, target, raw, line, embed)`; `line` is None for a Markdown link, whose
        # line the listener finds from `raw` (the URL) in the source it reads anyway.
        self.on_note_link = None
        # `(raw, target, attachment src_uri or None, note, line) → HTML or None`: embeds of a
        # block's generated output show this build's figure (execute/outputs.py).
        self.generated_embed = None
        # Attachments published as plain text (`attachments.py`): an embed links to them.
        self.inert_attachments: set[str] = set()
        # Our own players and PDF viewers → what stands for them until the page is
        # sanitized (`sanitize.TrustedHtml.keep`); the HTML itself when nothing is.
        self.keep_trusted = lambda html: html

    # -- page lifecycle -----------------------------------------------------------------
    def begin_page(self, note: Note, page_file: File | None) -> None:
        """Start rendering `note` as the page `page_file`."""
        self.page_file = page_file
        self.stack = [RenderContext(note)]

    @property
    def context(self) -> RenderContext:
        """The innermost render context."""
        return self.stack[-1]

    # -- diagnostics --------------------------------------------------------------------
    def next_occurrence(self, raw: str) -> int:
        """Count one more rendering of `raw`; returns which occurrence (0-based) it is."""
        counters = self.context.counters
        count = counters.get(raw, 0)
        counters[raw] = count + 1
        return count

    def line_at(self, raw: str, occurrence: int) -> int:
        """The source line of the n-th occurrence of `raw` in the current context.

        Computed only when something is reported: most links never need a line.
        """
        context = self.context
        lines = [
            line
            for line in context.note.occurrence_lines.get(raw, [])
            if line >= context.first_line
            and (context.last_line is None or line <= context.last_line)
        ]
        if occurrence < len(lines):
            return lines[occurrence]
        return lines[-1] if lines else context.first_line

    def report(self, line: int, problem: Problem, note: Note | None = None) -> None:
        """Report a problem at `line` of the current origin note."""
        note = note or self.context.note
        self.diagnostics.report(note.display_path, line, problem.message, problem.hint)

    # -- links --------------------------------------------------------------------------
    def href_for(self, resolution: Resolution) -> str:
        """A link relative to the origin note's source, `.md` kept for MkDocs to map."""
        context = self.context
        target_uri = (resolution.note or resolution.attachment).src_uri
        fragment = f"#{resolution.anchor}" if resolution.anchor else ""
        if resolution.note is not None and resolution.anchor:
            self.emitted_anchors.setdefault(
                (target_uri, resolution.anchor), context.note.display_path
            )
        if resolution.note is context.note and not context.nested and fragment:
            return fragment
        key = (target_uri, context.note.folder)
        relative = self._relative_cache.get(key)
        if relative is None:
            relative = quote(relative_path(target_uri, context.note.folder))
            self._relative_cache[key] = relative
        return relative + fragment

    def link(self, raw: str, body: str) -> etree.Element:
        """`[[...]]` → `<a>` (or a marked `<span>` when broken)."""
        target = parse_target(body)
        resolution = self.resolver.resolve(target, self.context.note)
        occurrence = self.next_occurrence(raw)
        if resolution.problems:
            line = self.line_at(raw, occurrence)
            for problem in resolution.problems:
                self.report(line, problem)
        text = display_text(target) or raw
        if resolution.note is not None:
            self.note_linked(resolution.note, raw, occurrence=occurrence)
        if not resolution.found:
            return broken(text, resolution.problems)
        if resolution.anchor and resolution.note and excalidraw.is_drawing(resolution.note):
            # A drawing's page holds only its image: its text elements have no ids there.
            resolution = replace(resolution, anchor=None)
        element = etree.Element("a", {"href": self.href_for(resolution), "class": "vault-link"})
        element.text = AtomicString(text)
        return element

    def note_linked(
        self,
        target: Note,
        raw: str,
        *,
        line: int | None = None,
        occurrence: int | None = None,
        embed: bool = False,
    ) -> None:
        """Tell `on_note_link` that the page's own text links to `target`.

        Links inside a transclusion belong to the embedded note, which reports them
        when its own page renders, so they are not told twice (nor as the page's).
        """
        if self.on_note_link is None or self.context.nested:
            return
        if line is None and occurrence is not None:
            line = self.line_at(raw, occurrence)
        self.on_note_link(self.context.note, target, raw, line, embed)

    # -- embeds -------------------------------------------------------------------------
    def embed(self, raw: str, body: str) -> tuple[etree.Element | None, str | None]:
        """`![[...]]` → an element (images, media, links) or raw HTML (transclusions)."""
        target = parse_target(body)
        resolution = self.resolver.resolve(target, self.context.note)
        line = self.line_at(raw, self.next_occurrence(raw))
        if self.generated_embed is not None and resolution.note is None:
            uri = resolution.attachment.src_uri if resolution.attachment is not None else None
            html = self.generated_embed(raw, target, uri, self.context.note, line)
            if html is not None:
                return None, Markup(html)
        if resolution.note is not None and excalidraw.is_drawing(resolution.note):
            # Shown whole: a `#^group=`/`#^area=` fragment (Excalidraw's) or a heading of
            # its data selects nothing in an exported image, and is no broken link.
            self.note_linked(resolution.note, raw, line=line, embed=True)
            return self.drawing_embed(target, resolution.note, line), None
        for problem in resolution.problems:
            self.report(line, problem)
        if resolution.note is not None:
            self.note_linked(resolution.note, raw, line=line, embed=True)
        if not resolution.found:
            return broken(display_text(target) or raw, resolution.problems, embed=True), None
        if resolution.attachment is not None:
            uri = resolution.attachment.src_uri
            kind = media_kind(extension_of(uri))
            if kind is not None and uri not in self.inert_attachments:
                return None, self._media_embed(kind, target, resolution, line)
            return self._image_or_link(target, resolution, line), None
        if resolution.problems and resolution.anchor is None and (target.headings or target.block):
            # The note exists but the heading/block does not: link, don't dump the whole note.
            return broken(display_text(target), resolution.problems, embed=True), None
        return None, Markup(self.transclude(target, resolution, line))

    def _media_embed(
        self, kind: str, target: LinkTarget, resolution: Resolution, line: int
    ) -> Markup:
        """A player or PDF viewer (`media.py`), checked by our own-output policy, kept trusted."""
        attachment = resolution.attachment
        assert attachment is not None
        options, problems = media_options(kind, (*target.headings, *_block_part(target)))
        for problem in problems:
            self.report(line, problem)
        title = target.text or attachment.name
        built = media_html(kind, self.final_url(attachment.src_uri), title, options)
        html, removed = clean_own_embed(built)
        if removed:
            self.report(
                line,
                Problem(
                    f"the sanitizer removed {', '.join(removed)} from the {kind} embed of "
                    f"'{attachment.name}'",
                    "the plugin's own output should pass its sanitizer: please report this",
                ),
            )
        return Markup(self.keep_trusted(html))

    def drawing_embed(self, target: LinkTarget, drawing: Note, line: int) -> etree.Element:
        """An Excalidraw drawing: its exported image, else a placeholder (`excalidraw.py`)."""
        image = excalidraw.exported_image(self.index, drawing)
        if image is None:
            self.report(line, excalidraw.missing_problem(drawing))
            return excalidraw.placeholder(drawing)
        element = self._image_or_link(target, Resolution(attachment=image), line)
        if element.get("alt") == image.name:  # no alt text of the author's: the drawing's name
            element.set("alt", excalidraw.title(drawing))
        return element

    def _image_or_link(
        self, target: LinkTarget, resolution: Resolution, line: int
    ) -> etree.Element:
        uri = resolution.attachment.src_uri
        if uri in self.inert_attachments and extension_of(uri) in IMAGE_EXTENSIONS:
            # The author expects a picture here: say why it is a link instead.
            name = resolution.attachment.name
            message = f"'{name}' is embedded as a link, not an image: it would run script"
            self.report(line, Problem(message, "remove its scripts and event handlers"))
        return self._attachment_embed(target, resolution)

    def _attachment_embed(self, target: LinkTarget, resolution: Resolution) -> etree.Element:
        attachment = resolution.attachment
        assert attachment is not None
        extension = extension_of(attachment.src_uri)
        classes = ["vault-embed"] + [
            token
            for token in (_CLASS_TOKEN_RE.sub("-", h).strip("-") for h in target.headings)
            if token
        ]
        if extension in IMAGE_EXTENSIONS and attachment.src_uri not in self.inert_attachments:
            alt, width, height = image_alt_and_size(target.text, attachment.name)
            element = etree.Element("img", {"src": self.href_for(resolution), "alt": alt})
            if width is not None:
                element.set("width", str(width))
            if height is not None:
                element.set("height", str(height))
            element.set("class", " ".join(classes))
            return element
        element = etree.Element("a", {"href": self.href_for(resolution), "class": "vault-link"})
        element.text = AtomicString(target.text or attachment.name)
        return element

    def final_url(self, src_uri: str) -> str:
        """URL of a vault file relative to the page being built (for tags MkDocs won't map)."""
        if self.files is None or self.page_file is None:
            return quote(src_uri)
        file = self.files.get_file_from_path(src_uri)
        if file is None:
            return quote(src_uri)
        return get_relative_url(file.url, self.page_file.url)

    def transclude(self, target: LinkTarget, resolution: Resolution, line: int) -> str:
        """Render a note, section or block of another note as HTML for this page."""
        note = resolution.note
        assert note is not None
        block = f"^{resolution.block_id}" if resolution.block_id else ""
        key = f"{note.src_uri}#{'#'.join(target.headings)}{block}"
        context = self.context
        chain = context.chain or (f"{context.note.src_uri}#",)
        if key in chain or (
            not target.headings and not resolution.block_id and f"{note.src_uri}#" in chain
        ):
            loop = " → ".join([*chain, key])
            self.report(line, Problem(f"cyclic embed: {loop}", "remove one of the embeds"))
            return _error_html(f"Cyclic embed of {display_text(target)}")
        if len(chain) > self.max_embed_depth:
            self.report(
                line,
                Problem(
                    f"embed depth exceeds {self.max_embed_depth} at '{display_text(target)}'",
                    "flatten the chain of embeds",
                ),
            )
            return _error_html(f"Embed too deep: {display_text(target)}")

        first, last = self._fragment_lines(note, resolution)
        if note.scan.cut is not None:
            last = min(last, note.scan.cut - 1)  # past a limit of the note: not rendered
        lines = note.lines[first - 1 : last]
        if resolution.block_id:
            lines = _strip_block_marker(lines, resolution.block_id)
        text = "\n".join(lines)
        if not context.nested:
            self.stack[0].embed_line = line
        href = self.final_url(note.src_uri)
        if resolution.anchor:
            href += "#" + quote(resolution.anchor, safe="^")
        title = display_text(target)
        if self._past_page_limits(len(text.encode())):
            return (
                '<div class="vault-embed vault-embed-note vault-embed-refused">'
                f'<a class="vault-embed-link" href="{escape_attribute(href)}">'
                f"{escape_text(title)}</a></div>"
            )
        self.stack.append(RenderContext(note, first, last, (*chain, key)))
        try:
            inner = self.markdown_factory(self) if self.markdown_factory else markdown.Markdown()
            body = inner.convert(text)
        finally:
            self.stack.pop()
        return (
            '<div class="vault-embed vault-embed-note" '
            f'data-embed="{escape_attribute(note.src_uri)}">'
            f'<a class="vault-embed-link" href="{escape_attribute(href)}" '
            f'title="Open {escape_attribute(title)}">{escape_text(title)}</a>'
            f"{body}</div>"
        )

    def _past_page_limits(self, size: int) -> bool:
        """Count one transclusion of `size` bytes into the page; past a limit of
        `limits.py` it is refused (reported once per page, at the page's embed), so a
        fan-out of embeds costs at most the limits, not width ** depth."""
        page = self.stack[0]
        if page.transclusions >= MAX_TRANSCLUSIONS_PER_PAGE:
            reason = f"more than {MAX_TRANSCLUSIONS_PER_PAGE} transclusions in one page"
        elif page.transcluded_bytes + size > MAX_TRANSCLUDED_BYTES_PER_PAGE:
            reason = f"more than {MAX_TRANSCLUDED_BYTES_PER_PAGE} transcluded bytes in one page"
        elif self.transcluded_bytes + size > MAX_TRANSCLUDED_BYTES_PER_BUILD:
            reason = f"more than {MAX_TRANSCLUDED_BYTES_PER_BUILD} transcluded bytes in the build"
        else:
            page.transclusions += 1
            page.transcluded_bytes += size
            self.transcluded_bytes += size
            return False
        if not page.over_limit:
            page.over_limit = True
            problem = Problem(
                f"{reason}; the embeds past it are shown as links",
                "embed fewer notes, or link to them instead",
            )
            self.report(page.embed_line, problem, page.note)
        return True

    def _fragment_lines(self, note: Note, resolution: Resolution) -> tuple[int, int]:
        if resolution.heading is not None:
            return note.section(resolution.heading)
        if resolution.block_id is not None:
            block = note.blocks[resolution.block_id]
            return block.start, max(block.end, block.marker_line)
        return note.scan.body_start, note.scan.line_count


def relative_path(target_uri: str, folder: str) -> str:
    """`posixpath.relpath(target_uri, folder)` for clean vault paths, without its cost."""
    if not folder:
        return target_uri
    folder_parts = folder.split("/")
    target_parts = target_uri.split("/")
    shared = 0
    while (
        shared < len(folder_parts)
        and shared < len(target_parts) - 1
        and folder_parts[shared] == target_parts[shared]
    ):
        shared += 1
    return "../" * (len(folder_parts) - shared) + "/".join(target_parts[shared:])


def broken(text: str, problems: list[Problem], embed: bool = False) -> etree.Element:
    """A visibly marked broken link, with the problem in its tooltip."""
    element = etree.Element(
        "span",
        {
            "class": "vault-link vault-link-broken" + (" vault-embed-broken" if embed else ""),
            "title": "; ".join(p.message for p in problems) or "broken link",
        },
    )
    element.text = AtomicString(text)
    return element


def _block_part(target: LinkTarget) -> tuple[str, ...]:
    """A `#^…` part of a media embed, as written (it means nothing there: reported)."""
    return (f"^{target.block}",) if target.block is not None else ()


def _strip_block_marker(lines: list[str], block_id: str) -> list[str]:
    out = []
    for line in lines:
        own = BLOCK_ID_LINE_RE.match(line)
        if own and own.group("id") == block_id:
            continue
        tail = BLOCK_ID_TAIL_RE.search(line.rstrip())
        if tail and tail.group("id") == block_id:
            line = line.rstrip()[: tail.start()].rstrip()
        out.append(line)
    return out


def _error_html(message: str) -> str:
    return f'<div class="vault-embed vault-embed-error">{escape_text(message)}</div>'
