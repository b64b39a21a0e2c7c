"""Executable notes: ```` ```python exec ```` blocks run at build time (`execute/`).

The fence is registered even with execution off: blocks then show their last cached
output, or say plainly that they were not executed. Under `mkdocs serve` the workers
start early and live across rebuilds; `snippets/` is watched, the cache never (no loop).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url

from ..execute import fence as exec_fence
from ..execute.outputs import GeneratedOutputs
from ..execute.pool import WorkerPool
from ..execute.session import ExecutionSession
from .base import Feature

log = get_plugin_logger(__name__)


class Execution(Feature):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.session: ExecutionSession | None = None
        self.outputs: GeneratedOutputs | None = None
        self.early_pool: WorkerPool | None = None

    def enabled(self) -> bool:
        """The `execute` option, unless `MKDOCS_VAULT_EXECUTE=0` turns it off (read once,
        with the options: `BuildContext.execute`)."""
        return self.ctx.execute

    # -- the site and the process -----------------------------------------------------
    def configure(self, config) -> None:
        """Register the `python exec` fence with superfences and open the session."""
        options = self.options
        base = self.ctx.base_dir
        cache_dir = base / options.cache_dir
        snippets_parent = str((base / options.snippets_dir).parent)
        settings = (cache_dir, options.exec_workers, float(options.exec_timeout))
        if self.session is None or self.session.settings != (*settings, snippets_parent):
            # MkDocs keeps the plugin object across config reloads (serve); a new
            # mkdocs.yml may point elsewhere, so the session follows the config.
            if self.session is not None:
                self.session.shutdown()
            self.session = ExecutionSession(*settings, snippets_parent, pool=self.early_pool)
        self.session.memory_mb = options.exec_memory_mb  # read per job: no restart needed
        self.session.sandbox = options.exec_sandbox
        fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
        custom = fences.setdefault("custom_fences", [])
        custom.append(
            {
                "name": "python",
                "class": "python",
                "validator": exec_fence.validator,
                "format": exec_fence.make_formatter(
                    session=lambda: self.session,
                    context=self.ctx.origin_note,
                    add_asset=self.add_asset,
                    report=self.ctx.diagnostics.report,
                    asset_dir=cache_dir / "assets",
                    hides=lambda *figure: self.outputs is not None and self.outputs.hides(*figure),
                    trust=self.ctx.keep_trusted,
                ),
            }
        )

    def serve(self, server, config) -> None:
        """Watch `snippets/` too: editing a module re-runs the blocks that import it."""
        if self.enabled():
            snippets = self.ctx.base_dir / self.options.snippets_dir
            if snippets.is_dir():
                server.watch(str(snippets))

    def startup(self, command: str) -> None:
        """Under `mkdocs serve`, start the workers now and keep them for every rebuild.

        They warm up while MkDocs loads and scans, and serve rebuilds until `shutdown`.
        A one-shot `mkdocs build` starts them only once the scan has found a block that
        is not cached, so a warm build pays for no process at all.
        """
        if command == "serve" and self.enabled():
            self.early_pool = WorkerPool(self.options.exec_workers or None)
            self.early_pool.start()

    def shutdown(self) -> None:
        if self.session is not None:
            self.session.shutdown()
        if self.early_pool is not None:
            self.early_pool.shutdown()
            self.early_pool = None

    # -- a build ----------------------------------------------------------------------
    def files(self, files, config) -> None:
        if self.session is not None:
            # Jobs start now and run while pages render; with execution off, only the
            # cache is consulted.
            self.session.plan(self.ctx.index, run=self.enabled())
        self.outputs = self._generated_outputs(files, config)

    def _generated_outputs(self, files, config) -> GeneratedOutputs | None:
        """The blocks' output names, for embeds of the outputs folder (`execute/outputs.py`).

        With execution on, every embed of a generated file shows this build's figure, so the
        folder's files are left out of the site (they may be stale copies); with execution
        off, embeds show the files as they are, so they are published like attachments.
        """
        if self.session is None:
            return None
        folder = self.options.outputs_dir.strip("/")
        if self.enabled():
            for file in files:
                if file.src_uri.startswith(folder + "/"):
                    file.inclusion = InclusionLevel.EXCLUDED
        return GeneratedOutputs(
            self.session,
            folder,
            Path(config.docs_dir),
            self.ctx.diagnostics.report,
            lambda figure, prefix: exec_fence.publish_figure(
                figure,
                prefix,
                self.ctx.base_dir / self.options.cache_dir / "assets",
                self.add_asset,
            ),
        )

    def rendering(self) -> None:
        if self.outputs is not None and self.enabled():
            self.ctx.renderer.generated_embed = self.outputs.embed

    def rendered(self, env, files) -> None:
        if self.session is not None and self.session.notes:
            log.info(self.session.summary())
            for path, line, message, hint in self.session.vault_changes():
                self.ctx.diagnostics.report(path, line, message, hint)

    def add_asset(self, name: str, path: Path) -> str:
        """Hand a generated figure to MkDocs; its URL relative to the page being built."""
        renderer, config = self.ctx.renderer, self.ctx.mkdocs_config
        assert renderer is not None and config is not None
        files = renderer.files
        uri = f"assets/vault-exec/{name}"
        file = files.get_file_from_path(uri)
        if file is None:
            file = File.generated(config, uri, abs_src_path=str(path))
            files.append(file)
        return get_relative_url(file.url, renderer.page_file.url)
