"""mkdocs-vault: publish an Obsidian vault with MkDocs, links and embeds resolved like Obsidian."""

__version__ = "0.1.0"
