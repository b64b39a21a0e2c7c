"""Folder navigation for large vaults (`folder_nav`): folders, each with an index page.

Every page renders the navigation, so a nav of every note costs time quadratic in the
vault; folders only keep it linear (`folders.py` builds the tree and the pages). Only
when `mkdocs.yml` has no `nav` of its own.
"""

from __future__ import annotations

import posixpath

from mkdocs.structure.files import File, InclusionLevel

from ..folders import folder_nav, folder_page_markdown, folder_tree, index_page_of
from .base import Feature


class Folders(Feature):
    def files(self, files, config) -> None:
        if not self.options.folder_nav or self.ctx.user_nav is not None:
            return
        tree = folder_tree(self.ctx.index)
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
