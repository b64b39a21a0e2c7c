"""Search: a note's aliases find it, and no page stalls the search indexers.

Search indexes the HTML, not front matter, so the aliases are named in the page (hidden,
`search_aliases.py`); a page whose table of contents the indexers would read in
quadratic time gets none, with a warning (`limits.drop_costly_toc`).
"""

from __future__ import annotations

from ..limits import drop_costly_toc
from ..search_aliases import with_searchable_aliases
from .base import Feature


class Search(Feature):
    def page_html(self, page, note, html: str) -> str:
        return html if note is None else with_searchable_aliases(html, note.aliases)

    def page_context(self, page) -> None:
        problem = drop_costly_toc(page)
        if problem is not None:
            note = self.ctx.index.notes.get(page.file.src_uri)
            where = note.display_path if note is not None else page.file.src_uri
            self.ctx.diagnostics.report(where, 1, *problem)
