"""Generated attachments: the figures of `python exec` blocks, as files Obsidian can show.

Obsidian cannot run a note's blocks, so `python -m mkdocs_vault render` writes every
block's figures into one folder of the vault (`outputs_dir`, default `_outputs/`) and the
notes embed them like any attachment (`![[Softmax-1.svg]]`). The build itself never writes
there (so `mkdocs serve` cannot loop): it renders such an embed with the figure it has just
computed, checks that the file in the vault still has those bytes (a stale or missing file
is a warning, so `--strict` fails), and leaves the figure out of the block's own output
when the block's note embeds it, so the page does not show it twice.

Names are stable: a block's `#| output: name` gives `name.svg`, otherwise the note's name
and the block's position among the note's executable blocks (`Softmax-1.svg`); a second
figure of the same block adds its number (`Softmax-1-2.svg`). A manifest (a dot file that
neither MkDocs nor Obsidian lists) records the files the command wrote, so only those are
ever replaced or removed.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markdown.serializers import to_html_string
from mkdocs.plugins import get_plugin_logger

from ..grammar import LinkTarget, image_alt_and_size, parse_target
from ..html_escape import escape_attribute, escape_text
from ..index import Note
from ..render import broken
from ..resolve import Problem
from .cache import write_atomically
from .runner import BlockResult, Figure
from .session import ExecutionSession, PlannedBlock, PlannedNote

log = get_plugin_logger(__name__)

MANIFEST = ".mkdocs-vault-outputs.json"
RENDER_HINT = "run `python -m mkdocs_vault render`"
FIGURE_EXTENSIONS = ("svg", "png")
# Characters a wikilink or a file name cannot carry (`#` `^` `|` `[` `]` end the target).
_UNSAFE_RE = re.compile(r'[\\/#^|\[\]:*?"<>\x00-\x1f]+')
_NUMBERED_RE = re.compile(r"^(?P<prefix>.+)-(?P<number>[2-9]|[1-9]\d+)$")

Report = Callable[[str, int, str, str], None]


def safe_name(text: str) -> str:
    """A name usable as a file name and inside `![[...]]`: unsafe characters become `-`."""
    return _UNSAFE_RE.sub("-", text).strip(" .-") or "output"


def block_prefixes(planned: PlannedNote) -> list[str]:
    """The output name of each executable block of a note, without figure number or extension.

    `#| output: name` wins; otherwise the note's name and the block's 1-based position
    among its executable blocks, which does not move when plain code is added around it.
    """
    return [
        safe_name(block.block.options.output or f"{planned.note.stem}-{number}")
        for number, block in enumerate(planned.blocks, start=1)
    ]


def figure_name(prefix: str, number: int, figure_format: str) -> str:
    """`prefix.svg` for a block's first figure, `prefix-2.svg` for its second, ..."""
    stem = prefix if number == 1 else f"{prefix}-{number}"
    return f"{stem}.{figure_format}"


@dataclass(frozen=True)
class OutputSource:
    """The block that produces the files named `prefix[-n].ext`."""

    planned_note: PlannedNote
    position: int  # index into planned_note.blocks
    prefix: str

    @property
    def block(self) -> PlannedBlock:
        """The planned block itself."""
        return self.planned_note.blocks[self.position]

    @property
    def where(self) -> tuple[str, int]:
        """Note path and line of the block's first code line, for diagnostics."""
        return self.planned_note.note.display_path, self.block.block.first_line

    def result(self) -> BlockResult | None:
        """The block's result of this build (waits for the worker); None when not executed."""
        planned = self.planned_note
        if planned.results is None and planned.future is not None:
            planned.results = planned.future.result()
        return None if planned.results is None else planned.results[self.position]


@dataclass
class OutputTable:
    """Every block's output prefix, by case-folded prefix (Obsidian ignores case)."""

    sources: dict[str, OutputSource] = field(default_factory=dict)
    prefix_of: dict[int, str] = field(default_factory=dict)  # id(PlannedBlock) → prefix
    problems: list[tuple[str, int, str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, notes: Iterable[PlannedNote]) -> OutputTable:
        """Name every block; two blocks with the same name are a problem (first one wins)."""
        table = cls()
        for planned in notes:
            for position, prefix in enumerate(block_prefixes(planned)):
                source = OutputSource(planned, position, prefix)
                table.prefix_of[id(source.block)] = prefix
                first = table.sources.setdefault(prefix.casefold(), source)
                if first is not source:
                    path, line = source.where
                    other_path, other_line = first.where
                    table.problems.append(
                        (
                            path,
                            line,
                            f"output name '{prefix}' is also used by the block at "
                            f"{other_path}:{other_line}",
                            "give one of them its own `#| output: name`",
                        )
                    )
        return table

    def lookup(self, file_name: str) -> tuple[OutputSource, int] | None:
        """`Softmax-1-2.svg` → (the block named `Softmax-1`, figure 2), if some block has it."""
        stem, dot, extension = file_name.rpartition(".")
        if not dot or extension.lower() not in FIGURE_EXTENSIONS:
            return None
        source = self.sources.get(stem.casefold())
        if source is not None:
            return source, 1
        numbered = _NUMBERED_RE.match(stem)
        if numbered is not None:
            source = self.sources.get(numbered.group("prefix").casefold())
            if source is not None:
                return source, int(numbered.group("number"))
        return None


def produced_files(table: OutputTable) -> tuple[dict[str, bytes], set[str], list[tuple]]:
    """Every figure this build computed, by file name; names to keep; problems.

    A block that failed (or did not run) produced nothing this time: the files it made
    before are kept (its prefix is returned) rather than removed as stale.
    """
    produced: dict[str, bytes] = {}
    makers: dict[str, OutputSource] = {}
    kept: set[str] = set()
    problems: list[tuple] = list(table.problems)
    for source in table.sources.values():
        result = source.result()
        if result is None or result.error is not None:
            kept.add(source.prefix.casefold())
            if result is not None and result.error and not result.skipped:
                path, _ = source.where
                line = result.error_line or source.block.block.first_line
                summary = result.error.strip().splitlines()[-1]
                problems.append((path, line, f"snippet failed: {summary}", "its outputs are kept"))
            continue
        for number, figure in enumerate(result.figures, start=1):
            name = figure_name(source.prefix, number, figure.format)
            other = makers.setdefault(name.casefold(), source)
            if other is not source:
                path, line = source.where
                problems.append(
                    (
                        path,
                        line,
                        f"output file '{name}' is also made by {other.where[0]}:{other.where[1]}",
                        "give one of the blocks its own `#| output: name`",
                    )
                )
                continue
            produced[name] = figure.data
    return produced, kept, problems


# -- writing the folder (the `render` command) ---------------------------------------------


@dataclass
class WriteSummary:
    """What `write_outputs` did, file names sorted."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # existing files render did not create

    def __str__(self) -> str:
        return (
            f"{len(self.written)} written, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed"
            + (f", {len(self.refused)} refused" if self.refused else "")
        )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, str]:
    """File name → sha256 of every file `render` wrote into `folder` ({} when none)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def write_outputs(
    folder: Path,
    produced: dict[str, bytes],
    keep: Callable[[str], bool] = lambda name: False,
) -> WriteSummary:
    """Make `folder` hold exactly `produced` (plus files kept or not ours); touch only changes.

    A file whose bytes are already right is not rewritten (its mtime stays, so Obsidian
    and `mkdocs serve` see no change); a changed one is written to a temp file and renamed.
    A file the manifest lists that nothing produces any more is removed unless `keep(name)`.
    A file that exists but was not written by this command is never overwritten.
    """
    summary = WriteSummary()
    manifest = read_manifest(folder)
    updated = dict(manifest)
    for name in sorted(produced):
        data = produced[name]
        path = folder / name
        digest = _digest(data)
        try:
            current = _digest(path.read_bytes())
        except OSError:
            current = None
        if current == digest:
            summary.unchanged.append(name)
            updated[name] = digest  # ours now, even if an earlier manifest was lost
            continue
        if current is not None and name not in manifest:
            summary.refused.append(name)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
        path.chmod(0o644)  # a temp file is private; an attachment is read by everyone
        summary.written.append(name)
        updated[name] = digest
    for name in sorted(set(manifest) - set(produced)):
        if keep(name):
            continue
        (folder / name).unlink(missing_ok=True)
        updated.pop(name, None)
        summary.removed.append(name)
    if updated != manifest:
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"files": dict(sorted(updated.items()))}, indent=1) + "\n"
        write_atomically(folder / MANIFEST, text.encode())
    return summary


# -- the build: fresh figures where notes embed them ----------------------------------------


class GeneratedOutputs:
    """One build's view of the outputs folder: fresh embeds, stale checks, no duplicates."""

    def __init__(
        self,
        session: ExecutionSession,
        folder_uri: str,
        docs_dir: Path,
        report: Report,
        publish: Callable[[Figure, str], str],
    ) -> None:
        self.session = session
        self.folder_uri = folder_uri.strip("/")
        self.docs_dir = docs_dir
        self.report = report
        self.publish = publish
        self.table = OutputTable.of(session.notes.values())
        self._embedded: dict[str, set[str]] = {}
        for problem in self.table.problems:
            report(*problem)

    def in_folder(self, src_uri: str) -> bool:
        """Is this vault path inside the generated folder?"""
        return src_uri.startswith(self.folder_uri + "/")

    def embedded_names(self, note: Note) -> set[str]:
        """Case-folded file names of the generated outputs `note` embeds."""
        found = self._embedded.get(note.src_uri)
        if found is None:
            found = set()
            for raw in note.occurrence_lines:
                if raw.startswith("!"):
                    path = parse_target(raw[3:-2]).path
                    if self.table.lookup(posixpath.basename(path)) is not None:
                        found.add(posixpath.basename(path).casefold())
            self._embedded[note.src_uri] = found
        return found

    def hides(self, note: Note, planned: PlannedBlock, number: int, figure_format: str) -> bool:
        """Does the note embed this figure of its own block? Then the block leaves it out."""
        prefix = self.table.prefix_of.get(id(planned))
        if prefix is None:
            return False
        return figure_name(prefix, number, figure_format).casefold() in self.embedded_names(note)

    def embed(
        self, raw: str, target: LinkTarget, attachment_uri: str | None, note: Note, line: int
    ) -> str | None:
        """HTML for `![[name.svg]]` when `name.svg` is a block's output, else None.

        None means "an ordinary attachment embed": the name is no block's output, the
        target is another folder's file, or the block has no fresh result (execution
        failed or is off), in which case the file is shown as it is.
        """
        if attachment_uri is not None and not self.in_folder(attachment_uri):
            return None
        folder = posixpath.dirname(target.path.strip("/"))
        if folder and not (self.folder_uri == folder or self.folder_uri.endswith("/" + folder)):
            return None
        name = posixpath.basename(target.path)
        found = self.table.lookup(name)
        if found is None:
            if attachment_uri is not None:
                self.report(
                    note.display_path,
                    line,
                    f"embed '{name}': no block makes this file any more",
                    f"{RENDER_HINT} and fix the embed",
                )
            return None
        source, number = found
        result = source.result()
        if result is None or result.error is not None:
            return None
        block_path, block_line = source.where
        if number > len(result.figures):
            message = (
                f"embed '{name}': the block at {block_path}:{block_line} makes "
                f"{len(result.figures)} figure(s)"
            )
            self.report(note.display_path, line, message, f"fix the embed, then {RENDER_HINT}")
            return to_html_string(broken(name, [Problem(message, "")], embed=True))
        figure = result.figures[number - 1]
        file_uri = attachment_uri or f"{self.folder_uri}/{name}"
        try:
            on_disk = (self.docs_dir / file_uri).read_bytes()
        except OSError:
            on_disk = None
        if on_disk is None:
            self.report(
                note.display_path,
                line,
                f"embed '{name}': the output of the block at {block_path}:{block_line} "
                f"is missing from {self.folder_uri}/",
                RENDER_HINT,
            )
        elif on_disk != figure.data:
            self.report(
                note.display_path,
                line,
                f"embed '{name}' is stale: it differs from what the block at "
                f"{block_path}:{block_line} computes",
                RENDER_HINT,
            )
        alone = 0 < line <= len(note.lines) and note.lines[line - 1].strip() == raw
        return self._img(target, name, source, figure, alone)

    def _img(
        self, target: LinkTarget, name: str, source: OutputSource, figure: Figure, alone: bool
    ) -> str:
        """The figure as the block would show it: on a line of its own, with its caption."""
        url = self.publish(figure, source.block.block.options.output)
        alt, width, height = image_alt_and_size(
            target.text, source.block.block.options.caption or name
        )
        size = "".join(
            f' {key}="{value}"' for key, value in (("width", width), ("height", height)) if value
        )
        classes = "vault-embed vault-output-embed"
        image = (
            f'<img src="{escape_attribute(url)}" alt="{escape_attribute(alt)}"'
            f'{size} class="{classes}" data-output="{escape_attribute(name)}">'
        )
        caption = source.block.block.options.caption
        if not alone or not caption:
            return image  # inside a paragraph a <figure> would break it
        # Alone in its paragraph, Python-Markdown puts this block-level HTML in place of the <p>.
        return (
            f'<figure class="vault-figure vault-output-figure">{image}'
            f"<figcaption>{escape_text(caption)}</figcaption></figure>"
        )
