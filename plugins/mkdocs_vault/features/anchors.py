"""Heading anchors as the pages really render them.

The index predicts heading ids from source text; a heading whose rendered text differs
from that prediction (raw HTML, an extension's markup) would leave links pointing at
nothing. Once every page is rendered, each link's anchor is checked against the page's
real ids: a wrong one is corrected when the headings match one to one (the n-th predicted
id is the n-th real one), otherwise reported; the corrections are applied to the
finished pages.
"""

from __future__ import annotations

from mkdocs.plugins import get_plugin_logger
from mkdocs.utils import get_relative_url

from ..ids import safe_id
from .base import Feature

log = get_plugin_logger(__name__)


class Anchors(Feature):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.corrections: dict[str, dict[str, str]] = {}  # page → wrong anchor → real id

    def files(self, files, config) -> None:
        self.corrections.clear()

    def page_html(self, page, note, html: str) -> str:
        self.ctx.real_ids[page.file.src_uri] = set(page.present_anchor_ids or ())
        self.ctx.real_toc[page.file.src_uri] = [item.id for item in _walk_toc(page.toc)]
        return html

    def rendered(self, env, files) -> None:
        ctx = self.ctx
        for (target_uri, anchor), source in ctx.renderer.emitted_anchors.items():
            real = ctx.real_ids.get(target_uri)
            if real is None or anchor in real:
                continue
            note = ctx.index.notes.get(target_uri)
            if note is not None and anchor in note.labels.values():
                continue  # a snippet's output carries it, in HTML MkDocs does not parse
            real_headings = ctx.real_toc.get(target_uri, [])
            actual = None
            if note is not None and len(real_headings) == len(note.headings):
                # Same headings in the same order: the n-th predicted id is the n-th real one.
                position = next(
                    (i for i, h in enumerate(note.headings) if h.anchor == anchor), None
                )
                actual = real_headings[position] if position is not None else None
            if actual and actual == safe_id(actual):  # printed into href="…": never raw
                self.corrections.setdefault(target_uri, {})[anchor] = actual
                log.debug("anchor %s#%s corrected to #%s", target_uri, anchor, actual)
            else:
                ctx.diagnostics.report(
                    source,
                    1,
                    f"anchor '#{anchor}' is not on page '{target_uri}'",
                    "link to a heading or ^block",
                )

    def page_output(self, page, output: str) -> str:
        for target_uri, mapping in self.corrections.items():
            file = self.ctx.file_of(target_uri)
            if file is None:
                continue
            relative = get_relative_url(file.url, page.file.url)
            for wrong, right in mapping.items():
                output = output.replace(f'href="{relative}#{wrong}"', f'href="{relative}#{right}"')
                if file is page.file:
                    output = output.replace(f'href="#{wrong}"', f'href="#{right}"')
        return output


def _walk_toc(toc):
    for item in toc or ():
        yield item
        yield from _walk_toc(item.children)
