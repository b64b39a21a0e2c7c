"""Titles, names and front matter reach the theme as HTML-safe text, escaped once, here.

Why: MkDocs' Jinja environment does not autoescape, and neither its own theme nor
Material escapes what a page hands it: `{{ page.title }}`, `{{ nav_item.title }}`,
`<meta name="description" content="{{ page.meta.description }}">`, a nav item's
`meta.subtitle` and `meta.status` (a class attribute) are all printed as HTML, on every
page that shows the navigation, and copied into the search index, whose results the
browser renders as HTML too. A vault's note names, folder names and front matter are
text written by whoever wrote the vault, so each would run as script in a reader's
browser. The sanitizer (`sanitize.py`) covers page content only.

So at the boundary where MkDocs hands pages to the theme (after every page is rendered,
before any template or the search and tags plugins read them) each value is turned
into HTML text with one function, `html_escape.escape_attribute` (MarkupSafe, which
Jinja itself uses; a theme may print a value in an attribute, so quotes are escaped too):

* a page's title: front matter `title` and file names are text; a title MkDocs took
  from the first `# H1` is already HTML (entities kept, tags stripped), so it is read
  back to text first: `R&amp;D` and `R&D` both read `R&D` and are escaped once;
* every string of a page's front matter, except the few keys MkDocs and Material read
  as names rather than print (`_NAMES`);
* the titles of navigation sections made from folder names (a `nav` written in
  `mkdocs.yml` is the site author's and is left as it is).

Our own outputs take the reader's text (`ThemeText.title` for titles) and escape it
with the same pair of functions (`html_escape`) where they write HTML (backlinks, the
local graph panel, the aliases paragraph for search), so nothing is escaped twice or by
a second escaper; the graph's data is JSON of text (drawn on a canvas, never parsed as
HTML).

One filter of the environment needs a change too: Jinja's `striptags` strips tags and
then *un-escapes* entities, so Material's `<title>{{ page.title | striptags }}</title>`
would turn an escaped `&lt;/title&gt;&lt;img …&gt;` back into markup. `striptags` is
replaced by one that returns the stripped text still escaped (as `Markup`, so a
following `| e` leaves it alone, as it leaves the escaped values themselves).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from markupsafe import Markup
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .html_escape import escape_attribute

# Front-matter keys that MkDocs or Material read as names, never print as text: escaping
# them would change what they name. `tags` are validated against Obsidian's grammar
# (`tags.py`: letters, digits, `_`, `-`, `/`) before Material sees them.
_NAMES = frozenset({"template", "tags", "hide", "search"})


def escaped_value(value):
    """A front-matter value with every string in it escaped (lists and mappings walked).

    A template may print a whole list or mapping (`str()` of it), so keys are escaped
    too; anything YAML gives that is neither text nor a number, date or boolean (bytes
    from `!!binary`, whose `str()` is `b'<...>'`) is printed as escaped text.
    """
    if isinstance(value, str):
        return escape_attribute(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [escaped_value(item) for item in value]
    if isinstance(value, dict):
        return {escaped_value(key): escaped_value(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, date)):
        return value  # printed as they are: no markup possible
    return escape_attribute(str(value))


def title_text(page: Page) -> str:
    """A page's title as the reader should read it (before `ThemeText.escape_pages`).

    MkDocs' `Page.title` mixes two forms: front matter and file names are text, the
    first `# H1` is HTML (`get_heading_text` keeps entities); a title given in the
    `mkdocs.yml` nav is the author's, printed as written, so it is read as HTML too.
    HTML is read as text by MarkupSafe (tags dropped, entities decoded).
    """
    if "title" in vars(page):  # set by the `mkdocs.yml` nav
        return Markup(str(page.title or "")).striptags()
    if "title" in page.meta and page.meta["title"] is not None:
        return str(page.meta["title"])
    title = page.title
    if title is None:
        return ""
    if page._title_from_render and title == page._title_from_render:
        return Markup(title).striptags()
    return str(title)  # from the file name (or "Home")


class ThemeText:
    """Escapes pages and sections once per build; remembers each page's reader title."""

    def __init__(self) -> None:
        self.titles: dict[str, str] = {}  # src_uri → the title as the reader sees it

    def reset(self) -> None:
        self.titles.clear()

    def escape_pages(self, pages: Iterable[Page]) -> None:
        """Escape the title and front matter of every page (call once, before templates)."""
        for page in pages:
            if page is None or page.file.src_uri in self.titles:
                continue
            text = title_text(page)
            self.titles[page.file.src_uri] = text
            config_title = "title" in vars(page)
            page.meta = {
                key: value if key in _NAMES else escaped_value(value)
                for key, value in page.meta.items()
            }
            if not config_title:
                page.title = escape_attribute(text)

    def title(self, src_uri: str) -> str | None:
        """The reader's text of a page's title (None if the page was not escaped here)."""
        return self.titles.get(src_uri)


def escape_sections(nav: Navigation) -> None:
    """Escape the titles of sections MkDocs (or `folder_nav`) made from folder names."""

    def walk(items) -> None:
        for item in items:
            if isinstance(item, Section):
                item.title = escape_attribute(item.title)
                walk(item.children)

    walk(nav.items)


def safe_striptags(value) -> Markup:
    """Jinja's `striptags`, but the result stays escaped (Jinja's un-escapes entities)."""
    return escape_attribute(Markup(str(value)).striptags())


def install_filters(env) -> None:
    """Replace the environment's `striptags` with `safe_striptags` (see the module doc)."""
    env.filters["striptags"] = safe_striptags
