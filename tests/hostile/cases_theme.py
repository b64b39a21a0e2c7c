"""Hostile cases, round two (issue 16): scripts through channels the theme prints (titles, names, meta, search, previews, tags index).

MkDocs' Jinja templates (its own theme's and Material's) do not autoescape: whatever a
note hands the theme as a title, a name or a front-matter value is printed as HTML on
every page that shows it (navigation, `<title>`, `<meta>`, search results, previews,
the tags index). Each case plants `payload()` in one such channel; chromium opens every
page, hovers its links (Material's instant previews) and types `search` into the search
box, and the case fails if the payload ran anywhere.
"""

from __future__ import annotations

import base64
import json

from hostile.cases import PAYLOAD_GLOBAL, Case, payload

# Material with the features that print titles in the browser (instant navigation, hover
# previews), as a published vault would use it; search, the tags index and the graph page
# only where the channel needs them (each page costs the browser check time).
_MATERIAL = {
    "theme": {
        "name": "material",
        "features": ["navigation.instant", "navigation.instant.preview"],
    },
}


def _material(
    name: str,
    notes: dict[str, str],
    *,
    search: bool = False,
    tags: bool = False,
    graph: bool = False,
    **more,
) -> Case:
    """A browser case on Material; `Zebra` is in every planted value, so search finds it."""
    return Case(
        name,
        notes,
        theme="material",
        plugins=("search", {"tags": {}}) if tags else ("search",),
        options={} if graph else {"graph": False},
        config=_MATERIAL,
        browser=True,
        search="Zebra" if search else "",
        **more,
    )


def _name_payload(tag: str) -> str:
    """`payload(tag)` for a file or folder name: MkDocs turns `_` into spaces in the
    titles it makes from names, so the global is spelled with JavaScript escapes."""
    spelled = PAYLOAD_GLOBAL.replace("_", "\\x5f")
    return f"<img src=x onerror=window['{spelled}']='{tag}'>"


def _front(key: str, value, more: str = "") -> str:
    """A note whose front matter sets `key` to `value` (as JSON, which YAML reads as is)."""
    return f"---\n{key}: {json.dumps(value)}\n{more}---\n\nSome text about zebras.\n"


# One case per place the theme prints what a note hands it, each channel with its own
# payload tag (so a failure names the channel); channels that cost the same pages share
# a case, since the browser check's time is per page and per chromium started.
_FILE_NOTE = f"Zebra {_name_payload('file')}"

THEME_CASES: tuple[Case, ...] = (
    _material(
        # Titles: in the nav of every page, `<title>`, search results, hover previews and
        # the tags index. A heading's `</title>` first: Material's `{{ page.title |
        # striptags }}` un-escapes what it strips. Aliases are put in the page for search;
        # a tag that is no tag by Obsidian's grammar is reported, never listed.
        "theme-titles-nav-search-tags",
        {
            "Home.md": f"# Home\n\nSee [[Title]], [[Heading]], [[{_FILE_NOTE}]], [[Alias]] "
            "and [[Tag]], #zebra.\n",
            "Title.md": _front("title", f"Zebra {payload('title')}", "tags: [zebra]\n"),
            "Heading.md": "# Zebra &lt;/title&gt;&lt;img src=x "
            "onerror=window.__vaultPayloadRan='h1'&gt;\n\ntext\n",
            f"{_FILE_NOTE}.md": "Zebra text\n",
            "Alias.md": _front("aliases", [f"Zebra {payload('alias')}"]),
            "Tag.md": _front("tags", [payload("tag")]),
        },
        search=True,
        tags=True,
        expect=(("vault/Tag.md:2", "is not a tag"),),
    ),
    _material(
        # Printed by Material into attributes (`<meta>`, a nav class) and the nav: a
        # note's description, author, subtitle, status; a folder's name.
        "theme-front-matter-and-folder-names",
        {
            "Home.md": "# Home\n\nSee [[Description]], [[Author]], [[Subtitle]], [[Status]], [[Binary]].\n",
            "Description.md": _front("description", f'"> Zebra {payload("description")}'),
            "Author.md": _front("author", f'"> Zebra {payload("author")}'),
            "Subtitle.md": _front("subtitle", f"Zebra {payload('subtitle')}"),
            "Status.md": _front("status", f'new"> Zebra {payload("status")}'),
            # YAML's `!!binary` gives bytes, which a template prints as `b'...'` (so the
            # payload has no `'`, which that would print as `\'`).
            "Binary.md": "---\ndescription: !!binary "
            + base64.b64encode(
                f'"> <img alt=binary src=x onerror="window.{PAYLOAD_GLOBAL}=this.alt">'.encode()
            ).decode()
            + "\n---\n\ntext\n",
            f"Zebra {_name_payload('folder')}/Note.md": "text\n",
        },
    ),
    _material(
        # A linking note's title and the paragraph around its link, in "Linked mentions"
        # and the graph (whose labels are the titles).
        "theme-backlink-title-and-context",
        {
            "Home.md": "# Home\n\ntext\n",
            "Target.md": "# Target\n\ntext\n",
            "Source.md": "# Zebra &lt;img src=x onerror=window.__vaultPayloadRan='backlink-title'&gt;\n\n"
            "Zebra &lt;img src=x onerror=window.__vaultPayloadRan='context'&gt; [[Target]]\n",
        },
        graph=True,
    ),
    Case(
        # The plain `mkdocs` theme: titles and folder names in its nav and `<title>`, and
        # a note's `source:` property, which it prints.
        "theme-mkdocs-titles-folders-properties",
        {
            "Home.md": "# Home\n\ntext\n",
            "Note.md": _front("title", payload("mkdocs-title")),
            "Source.md": _front("source", [payload("property")]),
            f"Dir {_name_payload('mkdocs-folder')}/Inner.md": "text\n",
        },
        options={"graph": False},
        browser=True,
    ),
)
"""Every hostile case, in one tuple: what the tests assert and the reliability run counts."""
