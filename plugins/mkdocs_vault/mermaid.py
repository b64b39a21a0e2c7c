"""```` ```mermaid ```` fences: drawn in the browser by a vendored mermaid, never a CDN.

Obsidian draws a ```` ```mermaid ```` block as a diagram. Python-Markdown would show it
as code, and Material's own mermaid support (a fence with class `mermaid`) fetches the
library from unpkg.com, so a site opened offline or from disk shows nothing. Instead:

* the fence is a superfences custom fence written by pymdownx's own
  `fence_code_format` (Material's documented recipe), with the class `vault-mermaid`
  rather than `mermaid`: Material takes over every `pre.mermaid` and loads mermaid
  from the network for it. The source stays the escaped text of a `<code>`, so the
  sanitizer keeps it and nothing in it (`[[x]]`, `#tag`, `$`) is read as vault syntax;
* `assets/vault-mermaid.js` finds those blocks and, only on a page that has one, loads
  the bundle shipped beside it (`assets/mermaid/`, see its README) and draws them,
  following the light/dark scheme; a diagram with a syntax error shows the message in
  its place.

A site owner who configured Material's recipe (class `mermaid`,
`fence_code_format`) gets ours in its place: same Markdown, drawn offline. Any other
`mermaid` fence they configured is theirs and left alone.
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import get_plugin_logger
from pymdownx.superfences import fence_code_format

log = get_plugin_logger(__name__)

FENCE_NAME = "mermaid"
# Not "mermaid": Material's bundle claims every pre.mermaid and fetches mermaid from unpkg.
FENCE_CLASS = "vault-mermaid"
SUPERFENCES = "pymdownx.superfences"


def _is_material_recipe(fence: dict[str, Any]) -> bool:
    """Material's documented mermaid fence: ours draws the same blocks, offline."""
    return fence.get("class") == "mermaid" and fence.get("format") is fence_code_format


def register_fence(config: Any) -> None:
    """Add the `mermaid` custom fence to superfences' settings in a MkDocs config.

    Only when superfences is among the Markdown extensions (the plugin adds it for
    `python exec` blocks). Idempotent: MkDocs calls `on_config` again on every reload
    of `mkdocs serve`, with the same dict.
    """
    if SUPERFENCES not in config.markdown_extensions:
        return
    settings = config.mdx_configs.setdefault(SUPERFENCES, {})
    fences = settings.setdefault("custom_fences", [])
    ours = {"name": FENCE_NAME, "class": FENCE_CLASS, "format": fence_code_format}
    for index, fence in enumerate(fences):
        if fence.get("name") != FENCE_NAME:
            continue
        if fence.get("class") == FENCE_CLASS:
            return
        if _is_material_recipe(fence):
            fences[index] = ours
            log.debug("mermaid fence: Material's recipe replaced by the offline one")
        else:
            log.info(
                "a custom 'mermaid' fence is configured in mkdocs.yml; it is kept, "
                "so mermaid blocks are not drawn by the vault plugin"
            )
        return
    fences.append(ours)
