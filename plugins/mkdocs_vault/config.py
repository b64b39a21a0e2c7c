"""The `vault` plugin's options, typed and checked where they come in (`mkdocs.yml`).

MkDocs checks each option's type as it reads them; `check` then refuses values a build
cannot run with (a cache inside the vault: `mkdocs serve` would rebuild forever), naming
every problem at once with what to write instead.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError

from .walk import MAX_VAULT_ENTRIES


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


def check(options: VaultConfig, config) -> None:
    """Refuse settings a build cannot run with, with what to write instead (`PluginError`).

    Types are checked by MkDocs as the options are read; these checks need the values
    together, or the site's own settings (where `docs_dir` is).
    """
    problems = [
        problem
        for name, low, high, unit in _BOUNDS
        if (problem := _out_of_bounds(name, getattr(options, name), low, high, unit))
    ]
    docs_dir = Path(config.docs_dir).resolve()
    base = Path(config.config_file_path or ".").resolve().parent
    cache = (base / options.cache_dir).resolve()
    if cache == docs_dir or docs_dir in cache.parents:
        problems.append(
            f"cache_dir '{options.cache_dir}' is inside docs_dir: every cached result would "
            "be a change to the vault (mkdocs serve would rebuild forever); put it outside, "
            "e.g. cache_dir: .cache/mkdocs_vault"
        )
    if cache in docs_dir.parents:
        problems.append(
            f"cache_dir '{options.cache_dir}' holds docs_dir: clearing the cache would delete "
            "the vault; put it beside the vault, e.g. cache_dir: .cache/mkdocs_vault"
        )
    outputs = posixpath.normpath(options.outputs_dir.strip("/") or ".")
    absolute = Path(options.outputs_dir).is_absolute()
    if outputs in (".", "..") or outputs.startswith("../") or absolute:
        problems.append(
            f"outputs_dir '{options.outputs_dir}' is not a folder inside the vault; "
            "write a relative folder name, e.g. outputs_dir: _outputs"
        )
    for name in ("graph_page", "tags_index"):
        value = getattr(options, name)
        if value and not value.endswith(".md"):
            problems.append(f"{name} '{value}' is not a page: write a path ending in .md")
    if problems:
        raise PluginError("vault plugin: " + "; ".join(problems))


# Numeric options: (name, lowest, highest, unit); None: no bound on that side.
_BOUNDS = (
    ("max_embed_depth", 0, 100, ""),
    ("exec_workers", 0, 256, " processes (0: one per CPU core)"),
    ("exec_timeout", 0.001, None, " seconds"),
    ("exec_memory_mb", 0, None, " MB (0: no limit)"),
    ("render_timeout", 0, None, " CPU seconds (0: no limit)"),
    ("max_vault_entries", 1, None, ""),
)


def _out_of_bounds(name: str, value, low, high, unit: str) -> str | None:
    if low is not None and value < low or high is not None and value > high:
        if high is None:
            allowed = f"at least {low:g}"
        else:
            allowed = f"from {low:g} to {high:g}"
        return f"{name}: {value!r} is out of range; write a value {allowed}{unit}"
    return None
