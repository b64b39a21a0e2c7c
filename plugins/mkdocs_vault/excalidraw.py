"""Excalidraw drawings: shown as the image the Excalidraw plugin exports, never as data.

Obsidian's Excalidraw plugin stores a drawing as `Name.excalidraw.md`: front matter, the
drawing's text elements and links, and the scene itself as a ```json / ```compressed-json
fence inside a `%%` comment. Obsidian opens such a note in the drawing view, and an
embed `![[Name.excalidraw]]` shows the picture. Its Markdown is storage, not a page: a
published drawing must never show it (nor put it in the search index).

The plugin can export the picture beside the file on every save ("Auto-export SVG" /
"Auto-export PNG" in its settings), named as the note without `.md`: `Name.excalidraw.svg`
/ `Name.excalidraw.png`.
That file, an ordinary attachment, is what the drawing's page and every embed of it
show, as an `<img>` (so an SVG with script is still published as text and linked, by
`attachments.py`'s rule). Without an export there is nothing we could draw without
running Excalidraw itself: the page shows a placeholder and the build says how to get
the image, at the line that wanted it.

The drawing's page renders none of its Markdown, so the links inside it (its "Element
Links") are not on the page; links *to* a drawing's text elements or headings open its
page, which has no ids for them.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.util import AtomicString

from .grammar import LinkTarget
from .index import Attachment, Note, VaultIndex
from .resolve import Problem

SUFFIX = ".excalidraw.md"
FRONT_MATTER_KEY = "excalidraw-plugin"  # `excalidraw-plugin: parsed` on every drawing
# The plugin's auto-export names, in the order a page prefers them (SVG scales).
EXPORT_EXTENSIONS = ("svg", "png")
MISSING_CLASS = "vault-excalidraw-missing"
HINT = (
    "turn on 'Auto-export SVG' (or PNG) in the Excalidraw plugin's settings and save the "
    "drawing once, so that {name} lies beside it"
)


def is_drawing(note: Note) -> bool:
    """True for an Excalidraw drawing: `*.excalidraw.md`, or any note the plugin marked
    with its `excalidraw-plugin` property (a drawing renamed without the suffix)."""
    return note.src_uri.lower().endswith(SUFFIX) or FRONT_MATTER_KEY in note.scan.meta


def exported_image(index: VaultIndex, drawing: Note) -> Attachment | None:
    """The image the plugin exported beside `drawing`, None if there is none."""
    stem = drawing.path_without_extension  # `folder/Name.excalidraw`
    for extension in EXPORT_EXTENSIONS:
        attachment = index.attachments.get(f"{stem}.{extension}")
        if attachment is not None:
            return attachment
    return None


def title(drawing: Note) -> str:
    """`Name` for `folder/Name.excalidraw.md` (and `folder/Name.md`)."""
    stem = drawing.stem
    return stem[: -len(".excalidraw")] if stem.lower().endswith(".excalidraw") else stem


def missing_problem(drawing: Note) -> Problem:
    """What the build reports where a drawing without an export is shown."""
    name = f"{drawing.stem}.svg"
    return Problem(
        f"drawing '{drawing.display_path}' has no exported image; shown as a placeholder",
        HINT.format(name=name),
    )


def placeholder(drawing: Note) -> etree.Element:
    """The element shown in place of a drawing that has no exported image."""
    element = etree.Element(
        "span",
        {"class": f"vault-embed {MISSING_CLASS}", "data-drawing": drawing.src_uri},
    )
    element.text = AtomicString(f"Excalidraw drawing “{title(drawing)}” (no exported image)")
    return element


def page_html(renderer, drawing: Note) -> str:
    """The whole body of a drawing's own page: its exported image or the placeholder.

    Raw HTML, which MkDocs does not map, so its URL is already the final one, relative to
    the page (`LinkRenderer.final_url`). Reported at line 1 of the drawing.
    """
    element = renderer.drawing_embed(LinkTarget(path=drawing.src_uri), drawing, 1)
    image = exported_image(renderer.index, drawing)
    if image is not None:
        key = "src" if element.tag == "img" else "href"
        element.set(key, renderer.final_url(image.src_uri))
    return f"<p>{etree.tostring(element, encoding='unicode')}</p>\n"
