"""The `vault` MkDocs plugin: publish an Obsidian vault with Obsidian-exact links.

A thin adapter; the work is done by the stage modules. Hooks:

* `on_config`  — read the `toc` slugify, add our Markdown extensions (and `ids.py`'s,
                 which makes every id safe) and stylesheet; have MkDocs list the
                 vault with our bounded walk (`walk.py`).
* `on_files`   — scan and index every note and attachment (once per build),
                 drop `publish: false` notes, publish attachments a browser would run
                 as plain text (`attachments.py`), plan the snippets and name their outputs
                 (`execute/outputs.py`: embeds of the outputs folder show fresh figures).
* `on_page_read_source` — hand MkDocs the text scanned in `on_files` (one disk read).
* `on_page_markdown` — tell the renderer which note the next page is; cut a note that
                       passes a limit (`limits.py`); drop bad theme keys (`theme_keys.py`).
* `on_page_content`  — sanitize the content HTML as Obsidian does (`sanitize.py`; off
                       with `trust_html`); record the ids the page really rendered; name
                       the note's aliases in the page so search finds them
                       (`search_aliases.py`); give the page's links between notes their
                       context (`backlinks.py`).
* `on_nav`     — escape section titles made from folder names (`theme_escape.py`).
* `on_page_context` — before the search plugins: no table of contents for a page
                      their indexers would take quadratic time on (`limits.py`).
* `on_env`     — first (before Material's tags plugin) escape every page's title and
                 front matter for the theme's templates (`theme_escape.py`); then, all
                 pages being rendered, correct any link whose predicted
                 heading anchor differs from the real one; write `graph.json` (`graph.py`).
* `on_post_page` — apply those corrections; end each note with its local graph and
                   "Linked mentions".
* `on_post_build` / `on_build_error` — release the index to the garbage collector.
* `on_serve` — also watch `snippets/`.
* `on_shutdown` — stop the snippet workers.
"""

from __future__ import annotations

import gc
import os
import posixpath
from pathlib import Path

import markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import excalidraw, mermaid
from .anchors import AnchorMaker
from .attachments import inert_attachments
from .backlinks import LinkLedger, backlinks_html
from .confine import OUTSIDE_HINT, OUTSIDE_MESSAGE, escaping_symlink
from .cssclasses import add_classes, page_classes
from .diagnostics import Diagnostics
from .execute import fence as exec_fence
from .execute.outputs import GeneratedOutputs
from .execute.pool import WorkerPool
from .execute.session import ExecutionSession
from .folders import folder_nav, folder_page_markdown, folder_tree, index_page_of
from .graph import (
    GRAPH_JSON,
    GRAPH_SCRIPT,
    graph_data,
    graph_json,
    graph_page_markdown,
    graph_script,
    local_graph_html,
)
from .ids import SafeIdsExtension, line_of, safe_id, unsafe_id_problem
from .index import Note, VaultIndex
from .limits import MAX_BACKLINKS_LISTED, drop_costly_toc, plain_text_html, split_at_cut
from .markdown_ext import VaultMarkdownExtension
from .obsidian_markdown import ignored_extensions
from .properties import front_matter_aliases, front_matter_tags
from .render import LinkRenderer
from .sanitize import TrustedHtml, sanitize_html
from .scan import ScanResult, scan_note, source_for_mkdocs
from .search_aliases import with_searchable_aliases
from .theme_escape import ThemeText, escape_sections, install_filters
from .tags import (
    INDEX_MARKDOWN,
    TagIndex,
    TagsExtension,
    front_matter_line,
)
from .theme_keys import ThemeKeys
from .walk import MAX_VAULT_ENTRIES, WalkReport, take_over, watch_without_following_links

log = get_plugin_logger(__name__)

_ASSET_DIR = Path(__file__).parent / "assets"
# Files under assets/ shipped with every site, each a line: (path under assets/, kind).
# "css" and "js" are added to extra_css / extra_javascript; "file" is only copied (fonts,
# libraries a script loads itself). They are served from assets/mkdocs_vault/ — never a CDN.
_IFRAME_WORKER = "iframe-worker/shim.js"
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
    # and would fetch it from unpkg.com; `_offline_shim` points it at this copy instead.
    (_IFRAME_WORKER, "file"),
    *[(f"katex/fonts/{f.name}", "file") for f in sorted(_ASSET_DIR.glob("katex/fonts/*.woff2"))],
]


class VaultConfig(base.Config):
    """Options of the `vault` plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the whole plugin off (the vault is then plain MkDocs Markdown)."""

    strict_line_breaks = c.Type(bool, default=False)
    """Obsidian's "Strict line breaks": a single newline joins lines instead of breaking one."""

    obsidian_headings = c.Deprecated(
        message="notes are parsed as CommonMark, where a heading always needs a space after "
        "'#'; 'obsidian_headings' has no effect",
        removed=True,
    )

    max_embed_depth = c.Type(int, default=10)
    """How many transclusions may nest before the chain is cut and reported."""

    stylesheet = c.Type(bool, default=True)
    """Ship the plugin's stylesheet and scripts (`SITE_ASSETS`) with the site."""

    execute = c.Type(bool, default=True)
    """Run ```` ```python exec ```` blocks at build time. Off for untrusted vaults; the
    environment variable `MKDOCS_VAULT_EXECUTE=0` also turns it off."""

    exec_workers = c.Type(int, default=0)
    """Worker processes for snippets (0: one per CPU core)."""

    exec_timeout = c.Type((int, float), default=60)
    """Seconds a block may run before it is stopped (per block: `#| timeout: 5`)."""

    exec_memory_mb = c.Type(int, default=2048)
    """Address space a snippet worker may use, in MB (0: no limit); past it a block gets
    a `MemoryError` instead of exhausting the machine."""

    exec_sandbox = c.Type(bool, default=True)
    """Where the kernel offers Landlock (Linux 5.13+), let snippet workers (and every
    process they start) write only in their scratch folders, `/dev/null` and `/dev/shm`;
    any other write fails on the block's line. Elsewhere writes into the vault are
    detected and reported instead."""

    render_timeout = c.Type((int, float), default=60)
    """CPU seconds a page may take to render (0: no limit). Markdown parsers read some
    runs of characters in quadratic time; past this a note is shown as plain text and
    reported, so one hostile note cannot stall a build."""

    cache_dir = c.Type(str, default=".cache/mkdocs_vault")
    """Where results, figures and scratch folders live, relative to `mkdocs.yml`.
    Outside `docs_dir`, so `mkdocs serve` never sees them change."""

    snippets_dir = c.Type(str, default="snippets")
    """The package the notes' blocks import (`import snippets...`), relative to `mkdocs.yml`."""

    folder_nav = c.Type(bool, default=False)
    """For large vaults: when `mkdocs.yml` has no `nav`, list folders only (each with its
    `index.md`, generated when missing, listing the folder's notes) instead of every note.
    Every page renders the nav, so this keeps build time linear in the number of notes."""

    outputs_dir = c.Type(str, default="_outputs")
    """The vault folder (relative to `docs_dir`) where `python -m mkdocs_vault render` writes
    the blocks' figures, so that Obsidian can show them through ordinary `![[...]]` embeds.
    Only that command writes there; a build shows its own fresh figure at such an embed."""

    tags_index = c.Type(str, default="tags.md")
    """Where the generated tags index goes (a page with `<!-- material/tags -->`, listing
    the notes of every tag), when Material's `tags` plugin is enabled; `#tag` in a note
    links there. A note of the vault at that path wins (it should hold the directive);
    an empty string generates none, and `#tag` is then plain text."""

    backlinks = c.Type(bool, default=True)
    """End every note with "Linked mentions": the notes that link to it or embed it, each
    with the sentence around the link, as Obsidian's backlinks pane shows them. Linear in
    the vault (no Markdown is rendered per mention); off leaves pages as they were."""

    graph = c.Type(bool, default=True)
    """Publish the graph view, as Obsidian draws it: `graph.json` (notes and the links
    between them), a page with the whole vault (`graph_page`) and a small local graph at
    the end of each linked note. Drawn in the browser by the vendored force-graph library."""

    graph_page = c.Type(str, default="graph.md")
    """Where the generated graph view page goes (in the site only, never in the vault).
    A note of the vault at that path is kept and the page is not generated (a warning says so)."""

    max_vault_entries = c.Type(int, default=MAX_VAULT_ENTRIES)
    """How many files and folders the vault may hold; past it the rest is left out and
    reported (`walk.py`, which also skips symlink loops and folders nested too deep)."""

    trust_html = c.Type(bool, default=False)
    """Publish raw HTML in notes (and snippets' `_repr_html_`) exactly as written, and
    attachments a browser would run (`.html`, `.js`, SVG with scripts) as they are. Off,
    the default: the content of every page is sanitized as Obsidian does (`sanitize.py`),
    so a vault from someone else cannot put scripts, event handlers or `javascript:` links
    on the site, and those attachments are published as plain text (`attachments.py`); a
    block marked `#| html: trusted` is still published as it is."""


class VaultPlugin(BasePlugin[VaultConfig]):
    """Resolves `[[wikilinks]]`, `![[embeds]]`, `%%comments%%` and `^block` ids."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.diagnostics = Diagnostics()
        self.index = VaultIndex()
        self.renderer: LinkRenderer | None = None
        self._mkdocs_config: MkDocsConfig | None = None
        self._real_ids: dict[str, set[str]] = {}
        self._real_toc: dict[str, list[str]] = {}
        self._corrections: dict[str, dict[str, str]] = {}
        self._scans: dict[Path, tuple[tuple[int, int], ScanResult]] = {}
        self._sources: dict[str, str] = {}
        self._plain_rest: dict[str, str] = {}  # src_uri → the source past a note's limit
        self._theme_keys = ThemeKeys(None)  # front-matter keys the theme obeys, checked
        self.tags = TagIndex(None)
        self._page_classes: dict[str, list[str]] = {}  # src_uri → its `cssclasses`
        self.session: ExecutionSession | None = None
        self.outputs: GeneratedOutputs | None = None
        self._early_pool: WorkerPool | None = None
        self.ledger = LinkLedger()  # links between notes: backlinks and the graph
        self._graph_files: tuple[File, File] | None = None
        self._graph_page: File | None = None
        self._connected: set[str] = set()
        self._walk = WalkReport()  # what `walk.py` left out of this build's file list
        self.trusted = TrustedHtml()  # `#| html: trusted` outputs, kept out of sanitizing
        self.theme_text = ThemeText()  # titles and front matter escaped for the theme

    # -- configuration ------------------------------------------------------------------
    @event_priority(100)  # before Material's offline plugin, wherever each is listed
    def _offline_polyfill(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.config.enabled and self.config.stylesheet:
            _offline_shim(config)
        return config

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self._mkdocs_config = config
        self._user_nav = config.nav
        self._walk = take_over(config, self.config.max_vault_entries)
        toc = config.mdx_configs.get("toc", {})
        self.anchor_maker = AnchorMaker(toc.get("slugify"), toc.get("separator", "-"))
        if self.config.stylesheet:
            for name, kind in SITE_ASSETS:
                uri = f"assets/mkdocs_vault/{name}"
                if kind == "css" and uri not in config.extra_css:
                    config.extra_css.append(uri)
                elif kind == "js" and uri not in config.extra_javascript:
                    config.extra_javascript.append(uri)
        # The fence is registered even with execution off: blocks then show their last
        # cached output, or say plainly that they were not executed.
        self._configure_execution(config)
        if self.config.stylesheet:  # the fence is drawn by our script: no script, no fence
            mermaid.register_fence(config)
        ignored = ignored_extensions(config.markdown_extensions)
        if ignored:
            log.info(
                "notes are parsed as Obsidian Markdown (CommonMark + GFM); these "
                "markdown_extensions add syntax notes do not use: %s",
                ", ".join(ignored),
            )
        # Last: the note parser takes over from the processors the extensions above register
        # (superfences' among them, whose preprocessor then renders each fence it finds).
        config.markdown_extensions.append(
            VaultMarkdownExtension(
                lambda: self.renderer,
                float(self.config.render_timeout),
                self._report_unrendered,
                breaks=not self.config.strict_line_breaks,
            )
        )
        config.markdown_extensions.append(TagsExtension(self._tag_state))
        config.markdown_extensions.append(SafeIdsExtension(self._report_unsafe_id))
        return config

    on_config = CombinedEvent(_offline_polyfill, _on_config)

    def _report_unrendered(self, reason: str, hint: str) -> None:
        """A page `render_guard` gave up on: say which, why, and what to look for."""
        if self.renderer is None or not self.renderer.stack:
            return
        note = self.renderer.stack[0].note
        self.diagnostics.report(
            note.display_path,
            note.scan.body_start if note.scan else 1,
            f"note not rendered: {reason}; its source is shown as plain text",
            hint,
        )

    def _report_unsafe_id(self, raw: str, published: str, heading: bool) -> None:
        """An id that could break out of an attribute (`ids.py`), at the line it is written."""
        note = self._origin_note()
        if note is not None:
            message, hint = unsafe_id_problem(raw, published, heading)
            line = line_of(note.lines, raw, note.scan.body_start)
            self.diagnostics.report(note.display_path, line, message, hint)

    def _execution_enabled(self) -> bool:
        return self.config.execute and os.environ.get("MKDOCS_VAULT_EXECUTE", "1") != "0"

    def _configure_execution(self, config: MkDocsConfig) -> None:
        """Register the `python exec` fence with superfences and open the session."""
        base = config_dir(config)
        cache_dir = base / self.config.cache_dir
        snippets_parent = str((base / self.config.snippets_dir).parent)
        settings = (cache_dir, self.config.exec_workers, float(self.config.exec_timeout))
        if self.session is None or self.session.settings != (*settings, snippets_parent):
            # MkDocs keeps this plugin object across config reloads (serve); a new
            # mkdocs.yml may point elsewhere, so the session follows the config.
            if self.session is not None:
                self.session.shutdown()
            self.session = ExecutionSession(*settings, snippets_parent, pool=self._early_pool)
        self.session.memory_mb = self.config.exec_memory_mb  # read per job: no restart needed
        self.session.sandbox = self.config.exec_sandbox
        if "pymdownx.superfences" not in config.markdown_extensions:
            config.markdown_extensions.append("pymdownx.superfences")
        fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
        custom = fences.setdefault("custom_fences", [])
        custom.append(
            {
                "name": "python",
                "class": "python",
                "validator": exec_fence.validator,
                "format": exec_fence.make_formatter(
                    session=lambda: self.session,
                    context=self._origin_note,
                    add_asset=self._add_asset,
                    report=self.diagnostics.report,
                    asset_dir=cache_dir / "assets",
                    hides=lambda *figure: self.outputs is not None and self.outputs.hides(*figure),
                    trust=self._keep_trusted,
                ),
            }
        )

    def _keep_trusted(self, html: str) -> str:
        """HTML the page's sanitizing must not touch: a token until `on_page_content`."""
        return html if self.config.trust_html else self.trusted.keep(html)

    def _origin_note(self) -> Note | None:
        """The note whose text is being rendered (None outside a page render)."""
        if self.renderer is None or not self.renderer.stack:
            return None
        return self.renderer.context.note

    def _add_asset(self, name: str, path: Path) -> str:
        """Hand a generated figure to MkDocs; its URL relative to the page being built."""
        assert self.renderer is not None and self._mkdocs_config is not None
        files = self.renderer.files
        uri = f"assets/vault-exec/{name}"
        file = files.get_file_from_path(uri)
        if file is None:
            file = File.generated(self._mkdocs_config, uri, abs_src_path=str(path))
            files.append(file)
        return get_relative_url(file.url, self.renderer.page_file.url)

    def on_serve(self, server, /, *, config, builder):
        """Watch `snippets/` too: editing a module re-runs the blocks that import it.

        The cache and scratch folders are never watched, so execution cannot trigger
        a rebuild (no reload loop).
        """
        if self.config.enabled:
            watch_without_following_links(server)  # a symlink loop would stall it (walk.py)
        if self._execution_enabled():
            snippets = config_dir(config) / self.config.snippets_dir
            if snippets.is_dir():
                server.watch(str(snippets))
        return server

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Under `mkdocs serve`, start the snippet workers now and keep them for every rebuild.

        They warm up while MkDocs loads and scans, and serve rebuilds until `on_shutdown`.
        A one-shot `mkdocs build` starts them only once the scan has found a block that
        is not cached, so a warm build pays for no process at all.
        """
        if self.config.enabled and command == "serve" and self._execution_enabled():
            self._early_pool = WorkerPool(self.config.exec_workers or None)
            self._early_pool.start()

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.shutdown()
        if self._early_pool is not None:
            self._early_pool.shutdown()
            self._early_pool = None

    # -- scan + index -------------------------------------------------------------------
    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        self.diagnostics.reset()
        self.trusted.reset()
        self._real_ids.clear()
        self._real_toc.clear()
        self._corrections.clear()
        self._sources.clear()
        self.theme_text.reset()
        self._plain_rest.clear()
        self._theme_keys = ThemeKeys(config.theme)
        index = VaultIndex(self.anchor_maker)
        base_dir = config_dir(config)
        for path, message, hint in self._walk.problems:
            display = os.path.relpath(path, base_dir).replace(os.sep, "/")
            self.diagnostics.report(display, 1, message, hint)
        unpublished = []
        docs_dir = Path(config.docs_dir)
        for file in files:
            if file.abs_src_path is not None and self._refused(file, docs_dir, base_dir):
                unpublished.append(file)  # left out before the index can link to it
                continue
            if file.is_documentation_page():
                if file.abs_src_path is None:
                    note = index.add_note(file.src_uri, file.content_string, None, file.src_uri)
                else:
                    path = Path(file.abs_src_path)
                    display = os.path.relpath(file.abs_src_path, base_dir).replace(os.sep, "/")
                    scan = self._scan(path, file.src_uri)
                    if scan.encoding_error:
                        self.diagnostics.report(display, 1, scan.encoding_error, "save it as UTF-8")
                        unpublished.append(file)
                        continue
                    note = index.add_note(file.src_uri, "", path, display, scan)
                for line, message, hint in note.scan.problems:
                    self.diagnostics.report(note.display_path, line, message, hint)
                if note.scan.meta_error:
                    self.diagnostics.report(
                        note.display_path, 1, note.scan.meta_error, "fix the YAML"
                    )
                if not note.published:
                    unpublished.append(file)
            else:
                index.add_attachment(file.src_uri)
        for file in unpublished:
            files.remove(file)
        inert = set()
        if not self.config.trust_html:
            inert = inert_attachments(files, config, base_dir, self.diagnostics.report)
        if self.config.stylesheet:
            for name, _kind in SITE_ASSETS:
                uri = f"assets/mkdocs_vault/{name}"
                files.append(File.generated(config, uri, abs_src_path=str(_ASSET_DIR / name)))
        if self.config.folder_nav and self._user_nav is None:
            self._add_folder_nav(index, files, config)
        self._add_tags_index(files, config)
        self.index = index
        if self.session is not None:
            # Jobs start now and run while pages render; with execution off, only the
            # cache is consulted.
            self.session.plan(index, run=self._execution_enabled())
        self.outputs = self._generated_outputs(files, config)
        # The index and MkDocs' file list live for the whole build; keep the cyclic GC
        # from re-walking them on every collection (measured: ~5% of a 1,000-note build).
        # `on_post_build` / `on_build_error` hand them back to the collector.
        gc.freeze()
        self.renderer = LinkRenderer(
            index,
            self.diagnostics,
            files,
            markdown_factory=self._nested_markdown,
            max_embed_depth=self.config.max_embed_depth,
        )
        self.renderer.inert_attachments = inert
        self.renderer.keep_trusted = self._keep_trusted  # players and PDF viewers (`media.py`)
        if self.outputs is not None and self._execution_enabled():
            self.renderer.generated_embed = self.outputs.embed
        self.ledger.reset(index.notes, math="pymdownx.arithmatex" in config.markdown_extensions)
        self.renderer.on_note_link = self.ledger.record
        self._add_graph_files(files, config)
        return files

    def _add_graph_files(self, files: Files, config: MkDocsConfig) -> None:
        """Register the graph page and data files; the data is filled in at `on_env`."""
        self._graph_files = self._graph_page = None
        if not self.config.graph:
            return
        uri = self.config.graph_page
        if files.get_file_from_path(uri) is not None:
            log.warning(
                "graph_page '%s' is a note of the vault: the graph view page is not generated "
                "(set graph_page to another path in mkdocs.yml)",
                uri,
            )
        else:
            content = graph_page_markdown("Graph view")
            self._graph_page = File.generated(config, uri, content=content)
            files.append(self._graph_page)
        self._graph_files = (
            File.generated(config, GRAPH_JSON, content="{}"),
            File.generated(config, GRAPH_SCRIPT, content=""),
        )
        for file in self._graph_files:
            files.append(file)

    def _generated_outputs(self, files: Files, config: MkDocsConfig) -> GeneratedOutputs | None:
        """The blocks' output names, for embeds of the outputs folder (`execute/outputs.py`).

        With execution on, every embed of a generated file shows this build's figure, so the
        folder's files are left out of the site (they may be stale copies); with execution
        off, embeds show the files as they are, so they are published like attachments.
        """
        if self.session is None:
            return None
        folder = self.config.outputs_dir.strip("/")
        if self._execution_enabled():
            for file in files:
                if file.src_uri.startswith(folder + "/"):
                    file.inclusion = InclusionLevel.EXCLUDED
        return GeneratedOutputs(
            self.session,
            folder,
            Path(config.docs_dir),
            self.diagnostics.report,
            lambda figure, prefix: exec_fence.publish_figure(
                figure,
                prefix,
                config_dir(config) / self.config.cache_dir / "assets",
                self._add_asset,
            ),
        )

    def _add_folder_nav(self, index: VaultIndex, files: Files, config: MkDocsConfig) -> None:
        """Generate missing folder index pages and set a nav of folders (see `folders.py`)."""
        tree = folder_tree(index)
        index_uris: dict[str, str] = {}
        generated: list[str] = []
        for folder, notes in tree.items():
            own = index_page_of(folder, notes)
            index_uris[folder] = own or posixpath.join(folder, "index.md")
            if own is None:
                generated.append(folder)
        for folder in generated:
            content = folder_page_markdown(tree, folder, index_uris[folder])
            files.append(File.generated(config, index_uris[folder], content=content))
        in_nav = set(index_uris.values())
        for file in files.documentation_pages():
            if file.src_uri not in in_nav:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        config.nav = folder_nav(tree, index_uris)

    def _refused(self, file: File, docs_dir: Path, base_dir: Path) -> bool:
        """Report and refuse a file that a symlink brings in from outside the vault."""
        link = escaping_symlink(Path(file.abs_src_path), docs_dir)
        if link is None:
            return False
        display = os.path.relpath(link, base_dir).replace(os.sep, "/")
        self.diagnostics.report(display, 1, OUTSIDE_MESSAGE, OUTSIDE_HINT)
        return True

    def _scan(self, path: Path, src_uri: str) -> ScanResult:
        """Scan a note, reusing the last scan while the file is unchanged (serve rebuilds).

        The text read here is handed to MkDocs in `on_page_read_source`, so each note
        is read from disk once per build, not twice.
        """
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._scans.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
            self._sources[src_uri] = text
        except UnicodeDecodeError as error:
            # MkDocs would stop the whole build on it: the note is reported and left out.
            scan = ScanResult(encoding_error=f"not UTF-8 text (byte {error.start}); left out")
            self._scans[path] = (key, scan)
            return scan
        scan = scan_note(text)
        self._scans[path] = (key, scan)
        return scan

    def _nested_markdown(self, renderer: LinkRenderer) -> markdown.Markdown:
        """A fresh Markdown with the page's extensions, for a transclusion."""
        config = self._mkdocs_config
        assert config is not None
        return markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}
        )

    # -- pages --------------------------------------------------------------------------
    def on_page_read_source(self, /, *, page: Page, config) -> str | None:
        """Give MkDocs the text `on_files` already read (once; then it is dropped), with
        properties only from a `---` block, as Obsidian reads them (`source_for_mkdocs`)."""
        source = self._sources.pop(page.file.src_uri, None)
        if not self.config.enabled or page.file.generated_by is not None:
            return source  # a generated page (ours or another plugin's): MkDocs' own rules
        if source is None:
            try:
                source = page.file.content_string
            except (OSError, ValueError):
                return None  # MkDocs reads it again and reports the error itself
        return source_for_mkdocs(source)

    def on_page_markdown(self, markdown_text: str, /, *, page: Page, config, files) -> str | None:
        if not self.config.enabled or self.renderer is None:
            return None
        note = self.index.notes.get(page.file.src_uri)
        if note is None:  # a generated page (ours or another plugin's)
            note = self.index.transient_note(page.file.src_uri, markdown_text)
        self.renderer.begin_page(note, page.file)
        if note.abs_path is not None and excalidraw.is_drawing(note):  # data, not a page
            self._read_page_meta(page, note)
            return excalidraw.page_html(self.renderer, note)
        cut = None
        if note.scan.cut is not None:  # past a limit of `limits.py`: the rest is plain text
            cut, rest = split_at_cut(markdown_text, note.scan.line_count, note.scan.cut)
            self._plain_rest[page.file.src_uri] = rest
        if note.abs_path is not None:
            self._read_page_meta(page, note)
        return cut

    def _read_page_meta(self, page: Page, note: Note) -> None:
        """Tags (`Note.tags`: front matter and `#tags` in the text) and `cssclasses` of a note.

        Runs before Material's tags plugin (-50) reads `page.meta["tags"]`; front matter
        we cannot read is reported at its line instead of failing that plugin.
        """
        if note.scan.meta_error:
            page.meta = {}  # reported in on_files; a YAML bomb must not reach any reader
        front = front_matter_tags(page.meta)
        classes, class_problems = page_classes(page.meta)
        problems = front.problems + class_problems
        for key, message, hint in self._theme_keys.problems(page.meta):
            page.meta.pop(key, None)  # built as if absent: never a failed build
            problems.append((key, message, hint))
        problems += front_matter_aliases(page.meta).problems
        if problems:
            lines = note.lines
            for key, message, hint in problems:
                line = front_matter_line(lines, key)
                self.diagnostics.report(note.display_path, line, message, hint)
        tags = self.tags.page_tags(note.tags)
        if tags:
            page.meta["tags"] = tags
        else:
            page.meta.pop("tags", None)
        if classes:
            self._page_classes[page.file.src_uri] = classes

    def _tag_state(self) -> tuple[TagIndex, str] | None:
        """For `#tag` links: the build's tags and the folder of the note being rendered."""
        note = self._origin_note()
        if note is None or note.abs_path is None:
            return None  # a generated page (the tags index itself): its `#` are not tags
        return (self.tags, note.folder)

    def _add_tags_index(self, files: Files, config: MkDocsConfig) -> None:
        """With Material's tags plugin, generate the tags index page (never in the vault)."""
        listing = next(
            (
                plugin.config
                for plugin in config.plugins.values()
                if type(plugin).__name__ == "TagsPlugin" and plugin.config.get("enabled", True)
            ),
            None,
        )
        uri = self.config.tags_index or None
        if listing is not None and uri is not None and files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=INDEX_MARKDOWN))
        self.tags = TagIndex(uri if listing is not None else None, listing)
        self._page_classes.clear()

    def on_page_content(self, html: str, /, *, page: Page, config, files) -> str | None:
        if not self.config.enabled:
            return None
        if not self.config.trust_html:
            # Before our own additions (escaped by construction) and Material's templates,
            # whose scripts are the site's; after it, the blocks' trusted HTML goes back in.
            html = self.trusted.restore(sanitize_html(html))
        rest = self._plain_rest.pop(page.file.src_uri, None)
        if rest is not None:
            html += plain_text_html(rest)
        self._real_ids[page.file.src_uri] = set(page.present_anchor_ids or ())
        self._real_toc[page.file.src_uri] = [item.id for item in _walk_toc(page.toc)]
        note = self.index.notes.get(page.file.src_uri)
        if note is None:
            return html
        self.ledger.finish_page(note)
        # Search indexes the HTML, not front matter: name the aliases there (hidden).
        # Backlinks need every page rendered: a marker now, the section in `on_post_page`.
        return with_searchable_aliases(html, note.aliases) + _AFTER_NOTE

    def on_nav(self, nav, /, *, config, files):
        """Sections named after folders are text: escape them for the theme (`theme_escape.py`)."""
        if self.config.enabled and self._user_nav is None:
            escape_sections(nav)
        return nav

    @event_priority(110)  # before Material's tags plugin (100) renders titles into its listings
    def _escape_for_theme(self, env, /, *, config, files):
        """Every page is rendered: escape titles and front matter once (`theme_escape.py`)."""
        if self.config.enabled:
            self.theme_text.escape_pages(file.page for file in files.documentation_pages())
            install_filters(env)
        return env

    @event_priority(100)  # before the search plugins index the page (after Material's tags)
    def on_page_context(self, context, /, *, page: Page, config, nav):
        """A page whose search indexing would take quadratic time gets no table of contents."""
        problem = drop_costly_toc(page) if self.config.enabled else None
        if problem is not None:
            note = self.index.notes.get(page.file.src_uri)
            where = note.display_path if note is not None else page.file.src_uri
            self.diagnostics.report(where, 1, *problem)
        return context

    def _on_env(self, env, /, *, config, files):
        """Every page is rendered: compare the anchors we linked to with the real ids.

        The index predicts heading ids from source text; a heading whose rendered
        text differs from that prediction (raw HTML, an extension's markup) would
        leave links pointing at nothing. Those links are rewritten in `on_post_page`.
        """
        if not self.config.enabled or self.renderer is None:
            return env
        if self.session is not None and self.session.notes:
            log.info(self.session.summary())
            for path, line, message, hint in self.session.vault_changes():
                self.diagnostics.report(path, line, message, hint)
        self.tags.register_listing_anchors(files)
        self._write_graph_data(files)
        for (target_uri, anchor), source in self.renderer.emitted_anchors.items():
            real = self._real_ids.get(target_uri)
            if real is None or anchor in real:
                continue
            note = self.index.notes.get(target_uri)
            if note is not None and anchor in note.labels.values():
                continue  # a snippet's output carries it, in HTML MkDocs does not parse
            real_headings = self._real_toc.get(target_uri, [])
            actual = None
            if note is not None and len(real_headings) == len(note.headings):
                # Same headings in the same order: the n-th predicted id is the n-th real one.
                position = next(
                    (i for i, h in enumerate(note.headings) if h.anchor == anchor), None
                )
                actual = real_headings[position] if position is not None else None
            if actual and actual == safe_id(actual):  # printed into href="…": never raw
                self._corrections.setdefault(target_uri, {})[anchor] = actual
                log.debug("anchor %s#%s corrected to #%s", target_uri, anchor, actual)
            else:
                self.diagnostics.report(
                    source,
                    1,
                    f"anchor '#{anchor}' is not on page '{target_uri}'",
                    "link to a heading or ^block",
                )
        return env

    on_env = CombinedEvent(_escape_for_theme, _on_env)

    def _write_graph_data(self, files: Files) -> None:
        """Every page is rendered, so every link is known: fill in the graph's data files."""
        if self._graph_files is None:
            return

        def url_of(note: Note) -> str | None:
            file = files.get_file_from_path(note.src_uri)
            return file.url if file is not None and file.page is not None else None

        data = graph_data(
            self.index.notes.values(),
            self.ledger.edges,
            lambda n: self._title(n.src_uri),
            url_of,
            lambda n: self.tags.page_tags(n.tags),
        )
        self._graph_files[0].content_string = graph_json(data)
        self._graph_files[1].content_string = graph_script(data)
        # Notes with a link in or out; a lone note gets no local graph.
        self._connected = {edge[end] for edge in data["edges"] for end in ("source", "target")}

    def _title(self, src_uri: str) -> str:
        """A note's title as the reader reads it (front matter `title`, first `# H1`, name):
        text, not HTML; whoever writes it into HTML escapes it once."""
        title = self.theme_text.title(src_uri)
        if title:
            return title
        return posixpath.splitext(posixpath.basename(src_uri))[0]

    def _after_note(self, page: Page) -> str:
        """What ends a note's page: its local graph, then its linked mentions."""
        note = self.index.notes.get(page.file.src_uri)
        if note is None:
            return ""
        parts = []
        if self._graph_files is not None and note.src_uri in self._connected:
            graph_url = (
                get_relative_url(self._graph_page.url, page.file.url) if self._graph_page else None
            )
            parts.append(local_graph_html(note, graph_url))
        if self.config.backlinks:

            def url_of(src_uri: str) -> str | None:
                file = files_get(self.renderer, src_uri)
                return get_relative_url(file.url, page.file.url) if file is not None else None

            grouped = self.ledger.backlinks(note.src_uri)
            if sum(map(len, grouped.values())) > MAX_BACKLINKS_LISTED:
                message = f"more than {MAX_BACKLINKS_LISTED} linked mentions; the rest are counted"
                hint = "a limit of mkdocs-vault (docs/user/limits.md); link here from fewer places"
                self.diagnostics.report(note.display_path, 1, message, hint)
            parts.append(
                backlinks_html(
                    grouped,
                    self._title,
                    url_of,
                    lambda source, anchor: anchor in self._real_ids.get(source, ()),
                )
            )
        return "".join(parts)

    def on_post_page(self, output: str, /, *, page: Page, config) -> str | None:
        if _AFTER_NOTE in output:  # the last one is ours (a note could quote the marker)
            head, _, tail = output.rpartition(_AFTER_NOTE)
            output = head + self._after_note(page) + tail
        classes = self._page_classes.get(page.file.src_uri)
        if classes:
            output = add_classes(output, classes)
        if not self._corrections:
            return output
        for target_uri, mapping in self._corrections.items():
            file = files_get(self.renderer, target_uri)
            if file is None:
                continue
            relative = get_relative_url(file.url, page.file.url)
            for wrong, right in mapping.items():
                output = output.replace(f'href="{relative}#{wrong}"', f'href="{relative}#{right}"')
                if file is page.file:
                    output = output.replace(f'href="#{wrong}"', f'href="#{right}"')
        return output

    def on_post_build(self, *, config) -> None:
        gc.unfreeze()

    def on_build_error(self, *, error) -> None:
        gc.unfreeze()


# Where a note's page ends: `on_post_page` puts its local graph and backlinks there.
_AFTER_NOTE = "<!-- mkdocs-vault: after note -->"


def _offline_shim(config: MkDocsConfig) -> None:
    """Give Material's offline plugin our copy of its iframe-worker shim.

    The offline plugin adds `https://unpkg.com/iframe-worker/shim` to `extra.polyfills`
    unless a polyfill with "iframe-worker" in its URL is already there; a site opened
    from disk must not depend on the network, so ours goes in first (this hook has a
    higher priority than the offline plugin's, so the order in mkdocs.yml does not matter).
    """
    if not any(name.split("/")[-1] == "offline" for name in config.plugins):
        return
    polyfills = config.extra.setdefault("polyfills", [])
    if not any("iframe-worker" in url for url in polyfills):
        polyfills.append(f"assets/mkdocs_vault/{_IFRAME_WORKER}")


def config_dir(config: MkDocsConfig) -> Path:
    """The folder of `mkdocs.yml`: warnings' paths and the cache are relative to it."""
    return Path(os.path.dirname(config.config_file_path or os.getcwd()))


def files_get(renderer: LinkRenderer | None, src_uri: str):
    """The MkDocs `File` of a vault path, if it is part of the site."""
    if renderer is None or renderer.files is None:
        return None
    return renderer.files.get_file_from_path(src_uri)


def _walk_toc(toc):
    for item in toc or ():
        yield item
        yield from _walk_toc(item.children)
