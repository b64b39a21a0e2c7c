"""Tags: front-matter tags and `#tags` in the text are a note's tags, as in Obsidian.

With Material's `tags` plugin, a tags index page is generated (never in the vault) and
every `#tag` chip links to its heading there (`tags.py` has the grammar and the index).
A page's tags are set before Material's tags plugin (-50) reads `page.meta["tags"]`.
"""

from __future__ import annotations

from mkdocs.structure.files import File

from ..properties import front_matter_tags
from ..tags import INDEX_MARKDOWN, TagIndex, TagsExtension, front_matter_line
from .base import Feature


class Tags(Feature):
    def configure(self, config) -> None:
        config.markdown_extensions.append(TagsExtension(self.tag_state))

    def tag_state(self) -> tuple[TagIndex, str] | None:
        """For `#tag` links: the build's tags and the folder of the note being rendered."""
        note = self.ctx.origin_note()
        if note is None or note.abs_path is None:
            return None  # a generated page (the tags index itself): its `#` are not tags
        return (self.ctx.tags, note.folder)

    def files(self, files, config) -> None:
        """With Material's tags plugin, generate the tags index page (never in the vault)."""
        listing = next(
            (
                plugin.config
                for plugin in config.plugins.values()
                if type(plugin).__name__ == "TagsPlugin" and plugin.config.get("enabled", True)
            ),
            None,
        )
        uri = self.options.tags_index or None
        if listing is not None and uri is not None and files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=INDEX_MARKDOWN))
        self.ctx.tags = TagIndex(uri if listing is not None else None, listing)

    def page_markdown(self, page, note, markdown: str) -> None:
        """The page's tags are the note's (`Note.tags`: front matter, then `#tags` of the
        text), spelled as this build spells them, as in graph.json."""
        for key, message, hint in front_matter_tags(page.meta).problems:
            line = front_matter_line(note.lines, key)
            self.ctx.diagnostics.report(note.display_path, line, message, hint)
        tags = self.ctx.tags.page_tags(note.tags)
        if tags:
            page.meta["tags"] = tags
        else:
            page.meta.pop("tags", None)

    def rendered(self, env, files) -> None:
        self.ctx.tags.register_listing_anchors(files)
