"""Sanitizing: a page's content as Obsidian would show it, never a script (`sanitize.py`).

Off with `trust_html`. Attachments a browser would run are published as text
(`attachments.py`); the plugin's own trusted HTML (players, `#| html: trusted` outputs)
is kept out of the sanitizer as tokens and put back after it.
"""

from __future__ import annotations

from ..attachments import inert_attachments
from ..sanitize import sanitize_html
from .base import Feature


class Sanitizing(Feature):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.inert: set[str] = set()

    def files(self, files, config) -> None:
        self.inert = set()
        if not self.options.trust_html:
            self.inert = inert_attachments(
                files, config, self.ctx.base_dir, self.ctx.diagnostics.report
            )

    def rendering(self) -> None:
        renderer = self.ctx.renderer
        renderer.inert_attachments = self.inert
        renderer.keep_trusted = self.ctx.keep_trusted  # players and PDF viewers (`media.py`)

    def page_html(self, page, note, html: str) -> str:
        if self.options.trust_html:
            return html
        # Before our own additions (escaped by construction) and Material's templates,
        # whose scripts are the site's; after it, the blocks' trusted HTML goes back in.
        return self.ctx.trusted.restore(sanitize_html(html))
