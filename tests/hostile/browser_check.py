"""Does any script from a vault run in a reader's browser? Chromium opens the whole site.

A hostile case plants payloads (`cases.payload`) that set `window.PAYLOAD_GLOBAL` when
they run. Reading the built HTML for the payload text is not enough: a title may be
escaped in one template and raw in another, search results and link previews are
assembled in the browser from JSON, and an attachment such as `evil.html` runs only when
opened. So every HTML page, SVG and XHTML file of the site is opened as a reader would
open it; on pages, every internal link is hovered (instant previews) and, when the case
names a query, the search box is used.
"""

from __future__ import annotations

from pathlib import Path

from browser import chromium, serve

from hostile.cases import PAYLOAD_GLOBAL

# Every file a browser would render as a document if a link pointed at it.
_DOCUMENTS = (".html", ".htm", ".xhtml", ".svg", ".xml")
_MAX_DOCUMENTS = 60
_MAX_HOVERS = 20


def _ran(page) -> str | None:
    """The payload's tag if it ran in the page or one of its frames."""
    for frame in page.frames:
        try:
            value = frame.evaluate(f"() => window.{PAYLOAD_GLOBAL} ?? null")
        except Exception:  # a frame gone or cross-origin: nothing of ours ran there
            continue
        if value is not None:
            return str(value)
    return None


def payloads_run(site: Path, query: str = "") -> list[str]:
    """`path: tag` for every site document (or interaction on it) where a payload ran."""
    documents = sorted(
        p for p in site.rglob("*") if p.suffix.lower() in _DOCUMENTS and p.is_file()
    )[:_MAX_DOCUMENTS]
    found: list[str] = []
    with serve(site) as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(5_000)
        for path in documents:
            relative = path.relative_to(site).as_posix()
            try:
                page.goto(f"{base}/{relative}", wait_until="load")
                page.wait_for_timeout(150)
                if path.suffix.lower() in (".html", ".htm"):
                    _interact(page, query)
            except Exception as error:  # a broken page is a failure only if a payload ran
                found.append(f"{relative}: could not be opened ({type(error).__name__})")
                continue
            tag = _ran(page)
            if tag is not None:
                found.append(f"{relative}: payload {tag!r} ran")
        context.close()
    return found


def _interact(page, query: str) -> None:
    """Hover internal links (Material's instant previews) and search for `query`."""
    links = page.locator("article a[href]:not([href^='http'])")
    for i in range(min(links.count(), _MAX_HOVERS)):
        try:
            links.nth(i).hover(timeout=1_000)
            page.wait_for_timeout(120)
        except Exception:
            continue  # hidden or detached: nothing to preview
    if query and page.locator("input.md-search__input").count():
        try:
            page.locator("label.md-search__icon, label[for='__search']").first.click(timeout=1_000)
        except Exception:
            pass
        search = page.locator("input.md-search__input")
        search.fill(query, timeout=2_000)
        page.wait_for_timeout(1_000)
