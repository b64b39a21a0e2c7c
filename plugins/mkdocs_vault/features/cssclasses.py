"""`cssclasses` (or `cssclass`) in front matter: classes on the page's `<article>`."""

from __future__ import annotations

from ..cssclasses import add_classes, page_classes
from ..tags import front_matter_line
from .base import Feature


class CssClasses(Feature):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.classes: dict[str, list[str]] = {}  # src_uri → its `cssclasses`

    def files(self, files, config) -> None:
        self.classes.clear()

    def page_markdown(self, page, note, markdown: str) -> None:
        classes, problems = page_classes(page.meta)
        for key, message, hint in problems:
            line = front_matter_line(note.lines, key)
            self.ctx.diagnostics.report(note.display_path, line, message, hint)
        if classes:
            self.classes[page.file.src_uri] = classes

    def page_output(self, page, output: str) -> str:
        classes = self.classes.get(page.file.src_uri)
        return add_classes(output, classes) if classes else output
