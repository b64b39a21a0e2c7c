"""Linked mentions: every note ends with the notes that link to it or embed it, each with
the sentence around the link, as Obsidian's backlinks pane shows them (`backlinks.py`)."""

from __future__ import annotations

from mkdocs.utils import get_relative_url

from ..backlinks import backlinks_html
from ..limits import MAX_BACKLINKS_LISTED
from .base import Feature


class Backlinks(Feature):
    def after_note(self, page, note) -> str:
        if not self.options.backlinks:
            return ""
        ctx = self.ctx

        def url_of(src_uri: str) -> str | None:
            file = ctx.file_of(src_uri)
            return get_relative_url(file.url, page.file.url) if file is not None else None

        grouped = ctx.ledger.backlinks(note.src_uri)
        if sum(map(len, grouped.values())) > MAX_BACKLINKS_LISTED:
            message = f"more than {MAX_BACKLINKS_LISTED} linked mentions; the rest are counted"
            hint = "a limit of mkdocs-vault (docs/user/limits.md); link here from fewer places"
            ctx.diagnostics.report(note.display_path, 1, message, hint)
        return backlinks_html(
            grouped,
            ctx.title,
            url_of,
            lambda source, anchor: anchor in ctx.real_ids.get(source, ()),
        )
