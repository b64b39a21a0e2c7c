"""The state of one build that the plugin's features share, typed, in one place.

Features do not reach into the plugin or into each other: what more than one of them
reads (the index, the renderer, the links between notes, the ids a page really has, the
titles readers see) lives here, and each feature keeps the rest of its state itself.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .backlinks import LinkLedger
from .diagnostics import Diagnostics
from .index import Note, VaultIndex
from .sanitize import TrustedHtml
from .tags import TagIndex
from .theme_escape import ThemeText

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File

    from .config import VaultConfig
    from .render import LinkRenderer


@dataclass
class BuildContext:
    """What the features of one build share. `reset` starts a new build (serve keeps one
    context, as MkDocs keeps the plugin, across rebuilds)."""

    options: VaultConfig
    mkdocs_config: MkDocsConfig | None = None
    user_nav: list | None = None  # the `nav` of mkdocs.yml, before any feature sets one
    execute: bool = False  # run snippets: the `execute` option and the environment agree
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    index: VaultIndex = field(default_factory=VaultIndex)
    renderer: LinkRenderer | None = None
    ledger: LinkLedger = field(default_factory=LinkLedger)  # links: backlinks and the graph
    trusted: TrustedHtml = field(default_factory=TrustedHtml)  # kept out of sanitizing
    theme_text: ThemeText = field(default_factory=ThemeText)  # titles escaped for the theme
    tags: TagIndex = field(default_factory=lambda: TagIndex(None))  # one spelling per tag
    # The ids each page really rendered (`present_anchor_ids`), and its toc's ids in order.
    real_ids: dict[str, set[str]] = field(default_factory=dict)
    real_toc: dict[str, list[str]] = field(default_factory=dict)

    def reset(self) -> None:
        self.diagnostics.reset()
        self.trusted.reset()
        self.theme_text.reset()
        self.real_ids.clear()
        self.real_toc.clear()

    @property
    def base_dir(self) -> Path:
        """The folder of `mkdocs.yml`: warnings' paths and the cache are relative to it."""
        config = self.mkdocs_config
        path = config.config_file_path if config is not None else None
        return Path(os.path.dirname(path or os.getcwd()))

    def origin_note(self) -> Note | None:
        """The note whose text is being rendered (None outside a page render)."""
        if self.renderer is None or not self.renderer.stack:
            return None
        return self.renderer.context.note

    def file_of(self, src_uri: str) -> File | None:
        """The MkDocs `File` of a vault path, if it is part of the site."""
        if self.renderer is None or self.renderer.files is None:
            return None
        return self.renderer.files.get_file_from_path(src_uri)

    def title(self, src_uri: str) -> str:
        """A note's title as the reader reads it (front matter `title`, first `# H1`, name):
        text, not HTML; whoever writes it into HTML escapes it once."""
        title = self.theme_text.title(src_uri)
        if title:
            return title
        return posixpath.splitext(posixpath.basename(src_uri))[0]

    def keep_trusted(self, html: str) -> str:
        """HTML the page's sanitizing must not touch: a token until `on_page_content`."""
        return html if self.options.trust_html else self.trusted.keep(html)
