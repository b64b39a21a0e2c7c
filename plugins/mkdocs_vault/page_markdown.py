"""The Markdown every page (and every transclusion) is rendered with.

MkDocs builds a page's `markdown.Markdown` from `markdown_extensions`; the vault's come
last, because the note parser (`markdown_ext.py`, `token_tree.py`) takes over from the
processors the extensions before it register (superfences' among them, whose
preprocessor then renders each fence the parser finds). A transclusion is rendered with
a fresh Markdown of the same extensions. The two reports here are the Markdown layer's
problems, said at the note's line.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import markdown
from mkdocs.plugins import get_plugin_logger

from .ids import SafeIdsExtension, line_of, unsafe_id_problem
from .markdown_ext import VaultMarkdownExtension
from .obsidian_markdown import ignored_extensions

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .context import BuildContext
    from .render import LinkRenderer

log = get_plugin_logger(__name__)


def prepare(config: MkDocsConfig) -> None:
    """Before the features configure: superfences is there (the note parser hands it every
    fence), and the build says which configured extensions notes do not use."""
    if "pymdownx.superfences" not in config.markdown_extensions:
        config.markdown_extensions.append("pymdownx.superfences")
    ignored = ignored_extensions(config.markdown_extensions)
    if ignored:
        log.info(
            "notes are parsed as Obsidian Markdown (CommonMark + GFM); these "
            "markdown_extensions add syntax notes do not use: %s",
            ", ".join(ignored),
        )


def install(config: MkDocsConfig, ctx: BuildContext) -> None:
    """After the features configure: the vault's extensions, last."""
    options = ctx.options
    config.markdown_extensions.append(
        VaultMarkdownExtension(
            lambda: ctx.renderer,
            float(options.render_timeout),
            partial(_report_unrendered, ctx),
            breaks=not options.strict_line_breaks,
        )
    )
    config.markdown_extensions.append(SafeIdsExtension(partial(_report_unsafe_id, ctx)))


def nested_markdown(ctx: BuildContext, renderer: LinkRenderer) -> markdown.Markdown:
    """A fresh Markdown with the page's extensions, for a transclusion."""
    config = ctx.mkdocs_config
    assert config is not None
    return markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}
    )


def _report_unrendered(ctx: BuildContext, reason: str, hint: str) -> None:
    """A page `render_guard` gave up on: say which, why, and what to look for."""
    renderer = ctx.renderer
    if renderer is None or not renderer.stack:
        return
    note = renderer.stack[0].note
    ctx.diagnostics.report(
        note.display_path,
        note.scan.body_start if note.scan else 1,
        f"note not rendered: {reason}; its source is shown as plain text",
        hint,
    )


def _report_unsafe_id(ctx: BuildContext, raw: str, published: str, heading: bool) -> None:
    """An id that could break out of an attribute (`ids.py`), at the line it is written."""
    note = ctx.origin_note()
    if note is not None:
        message, hint = unsafe_id_problem(raw, published, heading)
        line = line_of(note.lines, raw, note.scan.body_start)
        ctx.diagnostics.report(note.display_path, line, message, hint)
