"""The graph view: every note as a node, every link between notes as an edge.

Like Obsidian's graph view, nodes are the vault's notes (attachments and generated
pages are not notes) and an edge joins two notes when one links to or embeds the
other. The edges come from the same `LinkLedger` as the backlinks, so the graph and
the "Linked mentions" sections can never disagree.

The data is written into the site as `assets/mkdocs_vault/graph.json` (and, for
sites opened from `file://`, where a browser refuses to `fetch` a local file, as a
script that sets `window.mkdocsVaultGraph`). `vault-graph.js` draws it with the
vendored force-graph library: the whole vault on the generated graph page, the
note and its neighbours in a small panel on every note.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from mkdocs.plugins import get_plugin_logger

from .html_escape import escape_attribute
from .index import Note

log = get_plugin_logger(__name__)

# Where the data lands in the site, beside the scripts that read it.
GRAPH_JSON = "assets/mkdocs_vault/graph.json"
GRAPH_SCRIPT = "assets/mkdocs_vault/graph-data.js"
# The element the script fills; `data-vault-graph` says which graph.
GLOBAL_GRAPH_HTML = '<div class="vault-graph vault-graph-global" data-vault-graph="global"></div>'


def graph_data(
    notes: Iterable[Note],
    edges: dict[tuple[str, str], bool],
    title_of: Callable[[Note], str],
    url_of: Callable[[Note], str | None],
    tags_of: Callable[[Note], list[str]] = lambda note: note.tags,
) -> dict:
    """Nodes (notes in the site) and edges (links/embeds between two of them).

    `url_of` gives a note's URL relative to the site root, or None when the note is
    not part of the site (then it is no node, and no edge may point at it). `tags_of`
    gives a note's tags as its page shows them (`TagIndex.page_tags` of `Note.tags`:
    front matter and the text's `#tags`, in the build's spelling).
    """
    nodes = []
    present = set()
    for note in notes:
        url = url_of(note)
        if url is None or not note.published:
            continue
        present.add(note.src_uri)
        node = {"id": note.src_uri, "title": title_of(note), "url": url, "tags": tags_of(note)}
        nodes.append(node)
    nodes.sort(key=lambda node: node["id"])
    links = [
        {"source": source, "target": target, "kind": "embed" if embed else "link"}
        for (source, target), embed in sorted(edges.items())
        if source in present and target in present and source != target
    ]
    return {"nodes": nodes, "edges": links}


def graph_json(data: dict) -> str:
    """The JSON file's text (compact: it is fetched by every page that shows a graph)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def graph_script(data: dict) -> str:
    """The same data as a script, for pages opened from `file://` (no `fetch` there)."""
    # `</` is escaped so a note title can never close the script element.
    return "window.mkdocsVaultGraph=" + graph_json(data).replace("</", "<\\/") + ";\n"


def graph_page_markdown(title: str) -> str:
    """The generated page that shows the whole vault."""
    return f"# {title}\n\n{GLOBAL_GRAPH_HTML}\n"


def local_graph_html(note: Note, graph_page_url: str | None) -> str:
    """The panel at the end of a note: its links and backlinks, drawn when scrolled to."""
    link = (
        f'<a class="vault-graph-open" href="{escape_attribute(graph_page_url)}">Open graph view</a>'
        if graph_page_url
        else ""
    )
    return (
        '<aside class="vault-local-graph" data-search-exclude>'
        f'<div class="vault-graph-header"><span class="vault-graph-title">Local graph</span>'
        f"{link}</div>"
        f'<div class="vault-graph vault-graph-local" data-vault-graph="local"'
        f' data-note="{escape_attribute(note.src_uri)}"></div></aside>'
    )

