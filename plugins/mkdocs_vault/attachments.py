"""Attachments a browser would run are published as plain text, never as documents.

A vault's attachments are copied into the site and linked from notes. Most are inert
(images, PDFs, audio), but a browser opening `evil.html`, `page.xhtml` or an SVG with a
`<script>` or an `onload=` runs their script with the site's origin: the reader's
storage, the site's other pages, any service the site is allowed to call. A `.js` file
runs as soon as something loads it (a theme that was tricked into taking it for its
search worker did). Sanitizing the notes does not reach these files.

So an active attachment is published under its name plus `.txt` (served as
`text/plain`, which no browser renders as a document or runs as a script): links and
embeds to it lead there (MkDocs maps them through the file's URL), a reader gets its
source, and the build says so at the attachment's own path. An SVG without any script
stays an ordinary image (`![[x.svg]]` renders an `<img>`, where no SVG script runs
anyway); it is judged by parsing it, as the browser would, not by its name.

What `mkdocs.yml` itself names (`extra_javascript`, `extra_css`, `extra_templates`) is the
site owner's, not a note's, and is left as it is; so is everything with `trust_html`.
"""

from __future__ import annotations

import os
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

# Documents and scripts by their very kind: whatever they hold, a browser runs them.
ALWAYS_ACTIVE = {
    "html": "an HTML document",
    "htm": "an HTML document",
    "shtml": "an HTML document",
    "xhtml": "an XHTML document",
    "xht": "an XHTML document",
    "mht": "a web archive",
    "mhtml": "a web archive",
    "xsl": "an XSLT stylesheet",
    "xslt": "an XSLT stylesheet",
    "js": "a script",
    "mjs": "a script",
    "svgz": "a compressed SVG (its content cannot be checked)",
}
# XML documents a browser renders (and runs script in) only if they carry some.
CHECKED = {"svg", "xml"}
INERT_SUFFIX = ".txt"
# Past this, an SVG or XML file is not parsed (that would slow the build) and is
# published as text: real figures are far smaller.
MAX_CHECKED_BYTES = 20 * 1024 * 1024
# Elements that run script or load a document of their own into the page.
_ACTIVE_ELEMENTS = {"script", "handler", "iframe", "frame", "embed", "object", "foreignobject"}
# URL schemes that run script when a link or an animation sets them.
_SCRIPT_URL_RE = re.compile(r"(?:java|vb)script:|data:text/html|data:application/xhtml")
_SPACE_RE = re.compile(r"[\x00-\x20]+")
_HINT = {
    "svg": "remove its scripts, event handlers and foreignObject to show it as an image",
    "js": "rename it to .txt in the vault if its source is meant to be read",
}
_DEFAULT_HINT = (
    "link a note instead, or rename it to .txt in the vault if its source is meant to be read"
)


def active_reason(path: Path, extension: str) -> str | None:
    """Why a browser would run script from this file if the site served it, or None."""
    if extension in ALWAYS_ACTIVE:
        return ALWAYS_ACTIVE[extension]
    if extension not in CHECKED:
        return None
    try:
        if path.stat().st_size > MAX_CHECKED_BYTES:
            return f"larger than {MAX_CHECKED_BYTES // (1024 * 1024)} MB, not checked for scripts"
        return xml_script(path.read_bytes())
    except OSError as error:
        return f"unreadable ({error.strerror})"


def xml_script(data: bytes) -> str | None:
    """What in an SVG or XML document would run script (None: nothing would).

    Parsed with expat (entities expanded, within its limits; nothing fetched), because a
    pattern over the raw text misses `&#106;avascript:` or a namespaced `<svg:script>`.
    A document that does not parse is not judged safe: a browser shows, and runs, what
    it parsed before the error.
    """
    if b"<?xml-stylesheet" in data:
        return "an xml-stylesheet instruction"
    try:
        root = etree.fromstring(data)
    except (etree.ParseError, ValueError, RecursionError):
        return "not well-formed XML, so not checked"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag).lower()
        if name in _ACTIVE_ELEMENTS:
            return f"a <{name}> element"
        for attribute, value in element.attrib.items():
            local = _local(attribute).lower()
            if local.startswith("on"):
                return f"an '{local}' handler"
            if local == "attributename" and value.strip().lower().startswith("on"):
                return f"an animation of the '{value.strip()}' handler"
            if _SCRIPT_URL_RE.search(_SPACE_RE.sub("", value).lower()):
                return f"a script URL in '{local}'"
    return None


def _local(name: str) -> str:
    """`{namespace}local` → `local`."""
    return name.rpartition("}")[2]


def inert_attachments(
    files: Files, config: MkDocsConfig, base_dir: Path, report: Callable[[str, int, str, str], None]
) -> set[str]:
    """Publish each active attachment of the vault as plain text; their `src_uri`s.

    Only files of the vault are looked at: the theme's and ours are the site's own.
    """
    vault = os.path.normpath(config.docs_dir)
    owned = _named_in_config(config)
    inert: set[str] = set()
    for file in list(files):
        if file.is_documentation_page() or file.abs_src_path is None:
            continue
        if file.src_dir is None or os.path.normpath(file.src_dir) != vault:
            continue
        if file.src_uri in owned or file.inclusion.is_excluded():
            continue
        extension = file.src_uri.rpartition(".")[2].lower() if "." in file.src_uri else ""
        reason = active_reason(Path(file.abs_src_path), extension)
        if reason is None:
            continue
        text = File(
            file.src_uri,
            file.src_dir,
            file.dest_dir,
            file.use_directory_urls,
            dest_uri=file.dest_uri + INERT_SUFFIX,
            inclusion=file.inclusion,
        )
        files.remove(file)
        files.append(text)
        inert.add(file.src_uri)
        display = os.path.relpath(file.abs_src_path, base_dir).replace(os.sep, "/")
        report(
            display,
            1,
            f"attachment would run script in a reader's browser ({reason}); "
            f"published as plain text '{posixpath.basename(text.dest_uri)}'",
            _HINT.get(extension, _DEFAULT_HINT),
        )
    return inert


def _named_in_config(config: MkDocsConfig) -> set[str]:
    """Vault paths that `mkdocs.yml` names as the site's own scripts, styles and templates."""
    named = [getattr(item, "path", item) for item in config.extra_javascript]
    named += list(config.extra_css) + list(config.extra_templates)
    return {posixpath.normpath(str(name)).lstrip("/") for name in named}
