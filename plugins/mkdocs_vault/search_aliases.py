"""Make a note findable by its front-matter `aliases`, as Obsidian's quick switcher does.

Search plugins (MkDocs' own and Material's) index the page's rendered HTML, section by
section, and never read front matter. So the aliases are added to the page as one
paragraph right after the title heading: it lands in the first section's text, whose
search result opens the top of the note. The paragraph carries the `hidden` attribute:
the page reads as Obsidian's reading view does, while the index (which reads markup, not
styles) still sees the words. Material's search highlighting only marks visible text,
so it never reveals the paragraph either.
"""

from __future__ import annotations

import re

from .html_escape import escape_text

# The page's first heading when it is the `<h1>` title (Markdown `# Title` renders there).
_TITLE_H1 = re.compile(r"\A\s*<h1\b[^>]*>.*?</h1>", re.DOTALL)


def with_searchable_aliases(content: str, aliases: list[str]) -> str:
    """`content` with a hidden paragraph naming `aliases` after its `<h1>` (or first)."""
    names = [alias.strip() for alias in aliases if alias.strip()]
    if not names:
        return content
    paragraph = (
        '<p class="vault-aliases" hidden>Also known as: '
        + ", ".join(escape_text(name) for name in names)
        + "</p>"
    )
    title = _TITLE_H1.match(content)
    at = title.end() if title else 0
    return content[:at] + paragraph + content[at:]
