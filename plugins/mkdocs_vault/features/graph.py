"""The graph view, as Obsidian draws it: `graph.json`, a page of the whole vault, and a
small local graph at the end of each linked note (`graph.py` builds the data and HTML)."""

from __future__ import annotations

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from ..graph import (
    GRAPH_JSON,
    GRAPH_SCRIPT,
    graph_data,
    graph_json,
    graph_page_markdown,
    graph_script,
    local_graph_html,
)
from .base import Feature

log = get_plugin_logger(__name__)


class Graph(Feature):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.data_files: tuple[File, File] | None = None
        self.page: File | None = None
        self.connected: set[str] = set()  # notes with a link in or out

    def files(self, files, config) -> None:
        """Register the graph page and data files; the data is filled in when rendered."""
        self.data_files = self.page = None
        if not self.options.graph:
            return
        uri = self.options.graph_page
        if files.get_file_from_path(uri) is not None:
            log.warning(
                "graph_page '%s' is a note of the vault: the graph view page is not generated "
                "(set graph_page to another path in mkdocs.yml)",
                uri,
            )
        else:
            self.page = File.generated(config, uri, content=graph_page_markdown("Graph view"))
            files.append(self.page)
        self.data_files = (
            File.generated(config, GRAPH_JSON, content="{}"),
            File.generated(config, GRAPH_SCRIPT, content=""),
        )
        for file in self.data_files:
            files.append(file)

    def rendered(self, env, files) -> None:
        """Every page is rendered, so every link is known: fill in the data files."""
        if self.data_files is None:
            return

        def url_of(note) -> str | None:
            file = files.get_file_from_path(note.src_uri)
            return file.url if file is not None and file.page is not None else None

        ctx = self.ctx
        data = graph_data(
            ctx.index.notes.values(),
            ctx.ledger.edges,
            lambda n: ctx.title(n.src_uri),
            url_of,
            lambda n: ctx.tags.page_tags(n.tags),  # as the page spells them
        )
        self.data_files[0].content_string = graph_json(data)
        self.data_files[1].content_string = graph_script(data)
        # A lone note gets no local graph.
        self.connected = {edge[end] for edge in data["edges"] for end in ("source", "target")}

    def after_note(self, page, note) -> str:
        if self.data_files is None or note.src_uri not in self.connected:
            return ""
        graph_url = get_relative_url(self.page.url, page.file.url) if self.page else None
        return local_graph_html(note, graph_url)
