"""The `vault` MkDocs plugin: publish an Obsidian vault with Obsidian-exact links.

A thin adapter between MkDocs' events and the build: it keeps one `BuildContext`
(`context.py`), does the core steps itself and hands every other step to the features in
`FEATURES` order (`features/__init__.py` says why that order):

* `on_config`  — check the options (`config.py`); read the `toc` slugify; have MkDocs
                 list the vault with our bounded walk (`walk.py`); features configure,
                 between the page Markdown's preparation and its vault extensions, which
                 go last (`page_markdown.py`).
* `on_files`   — scan and index every note and attachment (`vault_files.py`: once per
                 build, reusing the scan of an unchanged file under serve; unpublished and
                 out-of-vault files dropped); features add their files; the renderer is made.
* `on_page_read_source` — hand MkDocs the text scanned in `on_files` (one disk read),
                          with properties only from a `---` block.
* `on_page_markdown` — tell the renderer which note the page is; cut a note that passes
                       a limit (`limits.py`); features read its front matter and text.
* `on_page_content`, `on_nav`, `on_env`, `on_page_context`, `on_post_page` — features.
* `on_post_build` / `on_build_error` — release the index to the garbage collector.
* `on_serve`, `on_startup`, `on_shutdown` — features (workers, watched folders).
"""

from __future__ import annotations

import gc
import os
from functools import partial
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from . import excalidraw, page_markdown
from .anchors import AnchorMaker
from .config import VaultConfig
from .config import check as check_options
from .context import BuildContext
from .features import FEATURES, Feature
from .features.assets import SITE_ASSETS, offline_shim
from .features.execution import Execution
from .index import Note
from .limits import plain_text_html, split_at_cut
from .properties import front_matter_aliases
from .render import LinkRenderer
from .scan import source_for_mkdocs
from .tags import front_matter_line
from .vault_files import VaultFiles
from .walk import WalkReport, take_over, watch_without_following_links

__all__ = ["SITE_ASSETS", "VaultConfig", "VaultPlugin"]

# `MKDOCS_VAULT_EXECUTE=0` turns execution off whatever mkdocs.yml says (untrusted vaults).
EXECUTE_ENV = "MKDOCS_VAULT_EXECUTE"

# Where a note's page ends: `on_post_page` puts what features add after a note there.
_AFTER_NOTE = "<!-- mkdocs-vault: after note -->"


class VaultPlugin(BasePlugin[VaultConfig]):
    """Resolves `[[wikilinks]]`, `![[embeds]]`, `%%comments%%` and `^block` ids."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.ctx = BuildContext(self.config)
        self._instances: dict[type[Feature], Feature] = {}
        self.features = self._features()
        self.vault = VaultFiles()  # the scan + index step, its scans kept across builds
        self._plain_rest: dict[str, str] = {}  # src_uri → the source past a note's limit
        self._walk = WalkReport()  # what `walk.py` left out of this build's file list

    def _features(self) -> list[Feature]:
        """One instance of each class in `FEATURES`, kept across config reloads (serve keeps
        this plugin, and the snippet workers with it); read again on every `on_config`."""
        return [self._instances.setdefault(cls, cls(self.ctx)) for cls in FEATURES]

    @property
    def execution(self) -> Execution:
        feature = self._instances.get(Execution)
        if feature is None:
            feature = self._instances[Execution] = Execution(self.ctx)
        return feature

    def load_config(self, options, config_file_path=None):
        """MkDocs loads the options after `__init__`: the context reads these."""
        result = super().load_config(options, config_file_path)
        self.ctx.options = self.config
        # The environment's word on execution, read once per config, where options come in.
        self.ctx.execute = self.config.execute and os.environ.get(EXECUTE_ENV, "1") != "0"
        return result

    # The build's state, as other code and tests read it.
    diagnostics = property(lambda self: self.ctx.diagnostics)
    index = property(lambda self: self.ctx.index)
    renderer = property(lambda self: self.ctx.renderer)
    session = property(lambda self: self.execution.session)
    outputs = property(lambda self: self.execution.outputs)

    def _execution_enabled(self) -> bool:
        return self.execution.enabled()

    # -- configuration ------------------------------------------------------------------
    @event_priority(100)  # before Material's offline plugin, wherever each is listed
    def _offline_polyfill(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.config.enabled and self.config.stylesheet:
            offline_shim(config)
        return config

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        check_options(self.config, config)  # PluginError: the build stops, saying why
        self.ctx.options = self.config  # MkDocs loads the options after __init__
        self.features = self._features()
        self.ctx.mkdocs_config = config
        self.ctx.user_nav = config.nav
        self._walk = take_over(config, self.config.max_vault_entries)
        toc = config.mdx_configs.get("toc", {})
        self.anchor_maker = AnchorMaker(toc.get("slugify"), toc.get("separator", "-"))
        page_markdown.prepare(config)
        for feature in self.features:
            feature.configure(config)
        page_markdown.install(config, self.ctx)  # last (`page_markdown.py` says why)
        return config

    on_config = CombinedEvent(_offline_polyfill, _on_config)

    def on_serve(self, server, /, *, config, builder):
        if self.config.enabled:
            watch_without_following_links(server)  # a symlink loop would stall it (walk.py)
            for feature in self.features:
                feature.serve(server, config)
        return server

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if self.config.enabled:
            for feature in self.features:
                feature.startup(command)

    def on_shutdown(self) -> None:
        for feature in self.features:
            feature.shutdown()

    # -- scan + index -------------------------------------------------------------------
    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        ctx = self.ctx
        ctx.reset()
        self._plain_rest.clear()
        base_dir = ctx.base_dir
        for path, message, hint in self._walk.problems:
            display = os.path.relpath(path, base_dir).replace(os.sep, "/")
            ctx.diagnostics.report(display, 1, message, hint)
        index = self.vault.index(
            files, Path(config.docs_dir), base_dir, self.anchor_maker, ctx.diagnostics
        )
        ctx.index = index
        for feature in self.features:
            feature.files(files, config)
        # The index and MkDocs' file list live for the whole build; keep the cyclic GC
        # from re-walking them on every collection (measured: ~5% of a 1,000-note build).
        # `on_post_build` / `on_build_error` hand them back to the collector.
        gc.freeze()
        ctx.renderer = LinkRenderer(
            index,
            ctx.diagnostics,
            files,
            markdown_factory=partial(page_markdown.nested_markdown, self.ctx),
            max_embed_depth=self.config.max_embed_depth,
        )
        ctx.ledger.reset(index.notes, math="pymdownx.arithmatex" in config.markdown_extensions)
        ctx.renderer.on_note_link = ctx.ledger.record
        for feature in self.features:
            feature.rendering()
        return files

    # -- pages --------------------------------------------------------------------------
    def on_page_read_source(self, /, *, page: Page, config) -> str | None:
        """Give MkDocs the text `on_files` already read (once; then it is dropped), with
        properties only from a `---` block, as Obsidian reads them (`source_for_mkdocs`)."""
        source = self.vault.source(page.file.src_uri)
        if not self.config.enabled or page.file.generated_by is not None:
            return source  # a generated page (ours or another plugin's): MkDocs' own rules
        if source is None:
            try:
                source = page.file.content_string
            except (OSError, ValueError):
                return None  # MkDocs reads it again and reports the error itself
        return source_for_mkdocs(source)

    def on_page_markdown(self, markdown_text: str, /, *, page: Page, config, files) -> str | None:
        renderer = self.ctx.renderer
        if not self.config.enabled or renderer is None:
            return None
        note = self.ctx.index.notes.get(page.file.src_uri)
        if note is None:  # a generated page (ours or another plugin's)
            note = self.ctx.index.transient_note(page.file.src_uri, markdown_text)
        renderer.begin_page(note, page.file)
        if note.abs_path is not None and excalidraw.is_drawing(note):  # data, not a page
            self._read_page_meta(page, note, "")
            return excalidraw.page_html(renderer, note)
        cut = None
        if note.scan.cut is not None:  # past a limit of `limits.py`: the rest is plain text
            cut, rest = split_at_cut(markdown_text, note.scan.line_count, note.scan.cut)
            self._plain_rest[page.file.src_uri] = rest
        if note.abs_path is not None:
            self._read_page_meta(page, note, markdown_text if cut is None else cut)
        return cut

    def _read_page_meta(self, page: Page, note: Note, markdown_text: str) -> None:
        """A vault note's front matter and text, read by the features (before Material's
        tags plugin, at -50, reads `page.meta["tags"]`); problems are reported at their line."""
        if note.scan.meta_error:
            page.meta = {}  # reported in on_files; a YAML bomb must not reach any reader
        for feature in self.features:
            feature.page_markdown(page, note, markdown_text)
        for key, message, hint in front_matter_aliases(page.meta).problems:
            line = front_matter_line(note.lines, key)
            self.ctx.diagnostics.report(note.display_path, line, message, hint)

    def on_page_content(self, html: str, /, *, page: Page, config, files) -> str | None:
        if not self.config.enabled:
            return None
        note = self.ctx.index.notes.get(page.file.src_uri)
        for feature in self.features:
            html = feature.page_html(page, note, html)
        rest = self._plain_rest.pop(page.file.src_uri, None)
        if rest is not None:  # escaped by construction: after sanitizing
            html += plain_text_html(rest)
        if note is None:
            return html
        self.ctx.ledger.finish_page(note)
        # What ends a note's page needs every page rendered: a marker now, `on_post_page` fills it.
        return html + _AFTER_NOTE

    def on_nav(self, nav, /, *, config, files):
        if self.config.enabled:
            for feature in self.features:
                feature.nav(nav)
        return nav

    @event_priority(110)  # before Material's tags plugin (100) renders titles into its listings
    def _themed(self, env, /, *, config, files):
        if self.config.enabled:
            for feature in self.features:
                feature.themed(env, files)
        return env

    @event_priority(100)  # before the search plugins index the page (after Material's tags)
    def on_page_context(self, context, /, *, page: Page, config, nav):
        if self.config.enabled:
            for feature in self.features:
                feature.page_context(page)
        return context

    def _rendered(self, env, /, *, config, files):
        """Every page is rendered: site-wide data, checks and corrections."""
        if self.config.enabled and self.ctx.renderer is not None:
            for feature in self.features:
                feature.rendered(env, files)
        return env

    on_env = CombinedEvent(_themed, _rendered)

    def on_post_page(self, output: str, /, *, page: Page, config) -> str | None:
        if _AFTER_NOTE in output:  # the last one is ours (a note could quote the marker)
            head, _, tail = output.rpartition(_AFTER_NOTE)
            note = self.ctx.index.notes.get(page.file.src_uri)
            after = "".join(f.after_note(page, note) for f in self.features) if note else ""
            output = head + after + tail
        for feature in self.features:
            output = feature.page_output(page, output)
        return output

    def on_post_build(self, *, config) -> None:
        gc.unfreeze()

    def on_build_error(self, *, error) -> None:
        gc.unfreeze()


def config_dir(config: MkDocsConfig) -> Path:
    """The folder of `mkdocs.yml`: warnings' paths and the cache are relative to it."""
    return Path(os.path.dirname(config.config_file_path or os.getcwd()))
