"""The interface every feature implements: a few hooks, each a step of the build.

Every hook does nothing by default, so a feature implements only the steps it takes.
The plugin calls them in `FEATURES` order (`features/__init__.py`), each with the build's
`BuildContext`; MkDocs' own events and their priorities stay in `plugin.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from ..context import BuildContext
    from ..index import Note


class Feature:
    """A feature of the plugin. `ctx` is shared by all; the rest of its state is its own."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    @property
    def options(self):
        return self.ctx.options

    # -- the site and the process -----------------------------------------------------
    def configure(self, config: MkDocsConfig) -> None:
        """`on_config`: settings, Markdown extensions, assets."""

    def serve(self, server, config: MkDocsConfig) -> None:
        """`on_serve`: what to watch besides the vault."""

    def startup(self, command: str) -> None:
        """`on_startup`: start what lives across `mkdocs serve` rebuilds."""

    def shutdown(self) -> None:
        """`on_shutdown`: stop it."""

    # -- a build ----------------------------------------------------------------------
    def files(self, files: Files, config: MkDocsConfig) -> None:
        """`on_files`, after the vault is scanned and indexed: add or drop files."""

    def rendering(self) -> None:
        """`on_files`, once the renderer exists: connect to it before pages render."""

    def page_markdown(self, page: Page, note: Note, markdown: str) -> None:
        """`on_page_markdown` of a vault note: read its front matter and text."""

    def page_html(self, page: Page, note: Note | None, html: str) -> str:
        """`on_page_content`: the page's content HTML, changed or as it is."""
        return html

    def nav(self, nav) -> None:
        """`on_nav`."""

    def themed(self, env, files: Files) -> None:
        """`on_env`, early (before Material's tags plugin renders titles)."""

    def page_context(self, page: Page) -> None:
        """`on_page_context`, before the search plugins index the page."""

    def rendered(self, env, files: Files) -> None:
        """`on_env`: every page is rendered; site-wide data can be written."""

    def after_note(self, page: Page, note: Note) -> str:
        """HTML that ends a note's page (in `FEATURES` order)."""
        return ""

    def page_output(self, page: Page, output: str) -> str:
        """`on_post_page`: the finished page, changed or as it is."""
        return output
