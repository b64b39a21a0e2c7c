"""The theme's share: front-matter keys it obeys are checked, titles reach it as text.

A key such as `template:` naming nothing would fail the build in the theme; it is
reported at its line and dropped (`theme_keys.py`). Titles and front matter are escaped
once where MkDocs hands pages to the theme, and folder sections too (`theme_escape.py`).
"""

from __future__ import annotations

from ..tags import front_matter_line
from ..theme_escape import escape_sections, install_filters
from ..theme_keys import ThemeKeys
from .base import Feature


class Theme(Feature):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.keys = ThemeKeys(None)

    def files(self, files, config) -> None:
        self.keys = ThemeKeys(config.theme)

    def page_markdown(self, page, note, markdown: str) -> None:
        for key, message, hint in self.keys.problems(page.meta):
            page.meta.pop(key, None)  # built as if absent: never a failed build
            line = front_matter_line(note.lines, key)
            self.ctx.diagnostics.report(note.display_path, line, message, hint)

    def nav(self, nav) -> None:
        """Sections named after folders are text: escape them for the theme."""
        if self.ctx.user_nav is None:
            escape_sections(nav)

    def themed(self, env, files) -> None:
        """Every page is rendered: escape titles and front matter once."""
        self.ctx.theme_text.escape_pages(file.page for file in files.documentation_pages())
        install_filters(env)
