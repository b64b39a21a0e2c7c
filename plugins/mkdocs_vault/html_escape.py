"""Text into HTML, escaped once, by one pair of functions.

Why one module: every place that writes HTML by hand (embeds, media players, the local
graph panel, linked mentions, block outputs, the theme's titles and front matter) used
to carry its own escaper, and they disagreed: one left `>` in attribute values, another
left `'`, a third escaped `"` in text as `&quot;` and a fourth as `&#34;`. What a reader
sees of a note name then depended on which feature printed it.

There are two places text can land, and they need different things:

* `escape_text` — element content (`<p>…</p>`, `<code>…</code>`): `&`, `<` and `>`
  become entities, quotes stay as written, exactly as Python-Markdown's own serializer
  writes the rest of the page;
* `escape_attribute` — a quoted attribute value, either quote: `&`, `<`, `>`, `"` and
  `'` become entities (MarkupSafe, the escaper Jinja itself uses). Safe in content too,
  so values handed to the theme, which may print them anywhere, go through this one.

Both return `Markup` (a `str`): a template's own `| e`, or `Markup.format`, does not
escape the result a second time, and a value that is already `Markup` (has `__html__`)
is taken as the HTML it says it is. (`Markup.format` escapes its plain-text arguments
with the same MarkupSafe function as `escape_attribute`, so HTML built that way, as
`media.py` builds its players, is escaped by this pair too.)
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape


def escape_text(value) -> Markup:
    """`value` as HTML element content: `&`, `<`, `>` escaped, quotes kept."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    text = str(value)
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def escape_attribute(value) -> Markup:
    """`value` as a quoted attribute value (`"` or `'`): `& < > " '` escaped."""
    return escape(value)


def attributes_html(attributes: Iterable[tuple[str, str | None]]) -> Markup:
    """` name="value"` for each pair, values escaped; a `None` value is a boolean attribute.

    Names are the caller's (constants, or names an HTML parser read), written as given.
    """
    return Markup("").join(
        Markup(" ") + Markup(name)
        if value is None
        else Markup(' {}="{}"').format(Markup(name), escape_attribute(value))
        for name, value in attributes
    )
