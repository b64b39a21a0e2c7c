"""The plugin's stylesheet and scripts (KaTeX, graph, mermaid), shipped with the site.

Everything is vendored in `assets/` (no CDN: the site works offline); Material's offline
plugin gets our copy of its iframe-worker shim. Mermaid fences are drawn by our script,
so without the assets there is no mermaid fence either.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

from .. import mermaid
from .base import Feature

ASSET_DIR = Path(__file__).resolve().parents[1] / "assets"
# Files under assets/ shipped with every site, each a line: (path under assets/, kind).
# "css" and "js" are added to extra_css / extra_javascript; "file" is only copied (fonts,
# libraries a script loads itself). They are served from assets/mkdocs_vault/ — never a CDN.
IFRAME_WORKER = "iframe-worker/shim.js"
SITE_ASSETS: list[tuple[str, str]] = [
    ("vault.css", "css"),
    ("callouts.css", "css"),  # inline #tag chips sized for running text
    # Math: KaTeX (vendored from npm, LICENSE beside it) typesets pymdownx.arithmatex's
    # output; the script after it re-runs on every instant-navigation page. The CSS finds
    # its fonts at katex/fonts/ (woff2 only: every browser that runs KaTeX reads it).
    ("katex/katex.min.css", "css"),
    ("katex/katex.min.js", "js"),
    ("vault-math.js", "js"),
    # Graph view and backlinks: our script loads force-graph (vendored from npm, MIT,
    # LICENSE beside it) only when a graph scrolls into view.
    ("vault-graph.css", "css"),
    ("vault-graph.js", "js"),
    ("graph/force-graph.min.js", "file"),
    ("graph/LICENSE", "file"),
    # Mermaid diagrams: our script loads mermaid (vendored from npm, MIT, LICENSE
    # beside it) only on a page that has a diagram (`mermaid.py`).
    ("vault-mermaid.css", "css"),
    ("vault-mermaid.js", "js"),
    ("mermaid/mermaid.min.js", "file"),
    ("mermaid/LICENSE", "file"),
    # Material's offline plugin (a site opened from disk) needs this worker shim for search
    # and would fetch it from unpkg.com; `offline_shim` points it at this copy instead.
    (IFRAME_WORKER, "file"),
    *[(f"katex/fonts/{f.name}", "file") for f in sorted(ASSET_DIR.glob("katex/fonts/*.woff2"))],
]


class Assets(Feature):
    def configure(self, config) -> None:
        if not self.options.stylesheet:
            return
        for name, kind in SITE_ASSETS:
            uri = f"assets/mkdocs_vault/{name}"
            if kind == "css" and uri not in config.extra_css:
                config.extra_css.append(uri)
            elif kind == "js" and uri not in config.extra_javascript:
                config.extra_javascript.append(uri)
        mermaid.register_fence(config)

    def files(self, files, config) -> None:
        if self.options.stylesheet:
            for name, _kind in SITE_ASSETS:
                uri = f"assets/mkdocs_vault/{name}"
                files.append(File.generated(config, uri, abs_src_path=str(ASSET_DIR / name)))


def offline_shim(config) -> None:
    """Give Material's offline plugin our copy of its iframe-worker shim.

    The offline plugin adds `https://unpkg.com/iframe-worker/shim` to `extra.polyfills`
    unless a polyfill with "iframe-worker" in its URL is already there; a site opened
    from disk must not depend on the network, so ours goes in first (the plugin calls this
    with a higher priority than the offline plugin's, so the order in mkdocs.yml does not
    matter).
    """
    if not any(name.split("/")[-1] == "offline" for name in config.plugins):
        return
    polyfills = config.extra.setdefault("polyfills", [])
    if not any("iframe-worker" in url for url in polyfills):
        polyfills.append(f"assets/mkdocs_vault/{IFRAME_WORKER}")
