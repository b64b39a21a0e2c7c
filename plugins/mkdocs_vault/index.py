"""The vault index: every note and attachment, known before any page renders.

Built once per build from the scan results (O(vault)); lookups by case-folded
file name, alias and path are dictionary hits, so resolving a link never walks
the vault.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .anchors import AnchorMaker
from .execute.options import OptionError, block_options
from .grammar import NOTE_EXTENSION, split_lines
from .ids import safe_id
from .properties import front_matter_aliases, front_matter_tags
from .scan import Block, Heading, ScanResult, scan_note


def fold(text: str) -> str:
    """Case-insensitive key, as Obsidian compares names."""
    return text.casefold()


@dataclass(eq=False)
class Note:
    """One Markdown note of the vault.

    `src_uri` is the POSIX path inside the vault (`concepts/Softmax.md`);
    `abs_path` the file on disk; `display_path` the path shown in warnings.
    """

    src_uri: str
    abs_path: Path | None
    display_path: str
    scan: ScanResult
    published: bool = True
    text: str | None = field(default=None, repr=False)
    anchor_maker: AnchorMaker | None = field(default=None, repr=False)

    @property
    def stem(self) -> str:
        """File name without `.md`: the note's name in Obsidian."""
        return posixpath.splitext(posixpath.basename(self.src_uri))[0]

    @property
    def path_without_extension(self) -> str:
        """`concepts/Softmax` for `concepts/Softmax.md`."""
        return posixpath.splitext(self.src_uri)[0]

    @cached_property
    def folder(self) -> str:
        """The folder inside the vault, '' at the root."""
        return posixpath.dirname(self.src_uri)

    @cached_property
    def aliases(self) -> list[str]:
        """Front-matter `aliases` (and the older `alias`), read by `properties.py`."""
        return front_matter_aliases(self.scan.meta).names

    @cached_property
    def tags(self) -> list[str]:
        """The note's tags as Obsidian counts them: front matter first (`properties.py`),
        then the `#tags` of the text (`ScanResult.inline_tags`), each once (tags ignore
        case; the first spelling stays). The page and the graph both show these."""
        seen: dict[str, str] = {}
        for name in [*front_matter_tags(self.scan.meta).tags, *self.scan.inline_tags]:
            seen.setdefault(name.lower(), name)
        return list(seen.values())

    @property
    def headings(self) -> list[Heading]:
        """Headings in document order, with the ids the page will carry.

        Ids are computed on first use: most notes' headings are never linked to.
        """
        headings = self.scan.headings
        if headings and not headings[0].anchor and self.anchor_maker is not None:
            for heading, anchor in zip(
                headings, self.anchor_maker.anchors(h.text for h in headings)
            ):
                heading.anchor = anchor
        return headings

    @cached_property
    def labels(self) -> dict[str, str]:
        """`label` options of the note's executable blocks, each with the id its output
        carries (`ids.safe_id`: a label is an id the page prints): `[[Note#label]]` lands there."""
        found = {}
        for code_block in self.scan.code_blocks:
            try:
                options = block_options(code_block.info, code_block.code)[0]
            except OptionError:
                continue
            if options.execute and options.label:
                found[options.label] = safe_id(options.label)
        return found

    @property
    def blocks(self) -> dict[str, Block]:
        """`^block` ids of this note."""
        return self.scan.blocks

    @property
    def lines(self) -> list[str]:
        """The source lines, read again for each transclusion (they are not kept in memory)."""
        if self.text is not None:
            return split_lines(self.text)
        if self.abs_path is None:
            return []
        return split_lines(self.abs_path.read_text(encoding="utf-8-sig", errors="replace"))

    @property
    def occurrence_lines(self) -> dict[str, list[int]]:
        """Every `[[...]]` as written → the lines where it appears, in order."""
        return self.scan.link_lines

    @cached_property
    def written_links(self) -> dict[str, str]:
        """`spelling_key` of every link as written → the link: finds the one a page shows
        changed (a tab expanded, a code span stashed). Built on the first such link."""
        found: dict[str, str] = {}
        for raw in self.scan.link_lines:
            found.setdefault(spelling_key(raw), raw)
        return found

    def section(self, heading: Heading) -> tuple[int, int]:
        """Lines (1-based, inclusive) of a heading's section, sub-sections included."""
        end = self.scan.line_count  # not len(self.lines): that would re-read the file
        for other in self.headings:
            if other.line > heading.line and other.level <= heading.level:
                end = other.line - 1
                break
        return heading.line, end


@dataclass(eq=False)
class Attachment:
    """A non-Markdown file of the vault (image, PDF, …)."""

    src_uri: str

    @property
    def name(self) -> str:
        """File name with extension."""
        return posixpath.basename(self.src_uri)


class VaultIndex:
    """Names, paths and aliases → notes and attachments, for one build."""

    def __init__(self, anchor_maker: AnchorMaker | None = None) -> None:
        self.anchor_maker = anchor_maker or AnchorMaker()
        self.notes: dict[str, Note] = {}
        self.attachments: dict[str, Attachment] = {}
        self._notes_by_name: dict[str, list[Note]] = defaultdict(list)
        self._notes_by_alias: dict[str, list[Note]] = defaultdict(list)
        self._attachments_by_name: dict[str, list[Attachment]] = defaultdict(list)
        self._folded_uris: dict[str, list[Note | Attachment]] = defaultdict(list)

    def add_note(
        self,
        src_uri: str,
        text: str,
        abs_path: Path | None = None,
        display_path: str | None = None,
        scan: ScanResult | None = None,
    ) -> Note:
        """Scan (unless a still-valid `scan` is given) and index one note.

        The text is not kept when the note has a file: transclusion re-reads it.
        """
        scan = scan if scan is not None else scan_note(text, bounded=abs_path is not None)
        published = scan.meta.get("publish", True) is not False
        note = Note(
            src_uri,
            abs_path,
            display_path or src_uri,
            scan,
            published,
            anchor_maker=self.anchor_maker,
        )
        if abs_path is None:
            note.text = text
        self.notes[src_uri] = note
        self._notes_by_name[fold(note.stem)].append(note)
        self._folded_uris[fold(src_uri)].append(note)
        for alias in note.aliases:
            self._notes_by_alias[fold(alias)].append(note)
        return note

    def transient_note(self, src_uri: str, text: str) -> Note:
        """A note for a generated page: renders like any note, but no link can reach it by name."""
        scan = scan_note(text, bounded=False)  # our own pages: not limited
        return Note(src_uri, None, src_uri, scan, True, text, self.anchor_maker)

    def add_attachment(self, src_uri: str) -> Attachment:
        """Index one non-Markdown file."""
        attachment = Attachment(src_uri)
        self.attachments[src_uri] = attachment
        self._attachments_by_name[fold(attachment.name)].append(attachment)
        self._folded_uris[fold(src_uri)].append(attachment)
        return attachment

    def notes_named(self, name: str) -> list[Note]:
        """Notes whose file name (without `.md`) equals `name`, ignoring case."""
        return self._notes_by_name.get(fold(name), [])

    def notes_aliased(self, alias: str) -> list[Note]:
        """Notes that list `alias` in their front matter, ignoring case."""
        return self._notes_by_alias.get(fold(alias), [])

    def attachments_named(self, name: str) -> list[Attachment]:
        """Attachments whose file name equals `name`, ignoring case."""
        return self._attachments_by_name.get(fold(name), [])

    def by_uri(self, src_uri: str) -> list[Note | Attachment]:
        """Files at exactly this vault path, ignoring case."""
        return self._folded_uris.get(fold(src_uri), [])

    def all_names(self) -> list[str]:
        """Every note name and alias, for "did you mean" hints."""
        names = [note.stem for note in self.notes.values() if note.published]
        names += [alias for note in self.notes.values() if note.published for alias in note.aliases]
        return names

    def all_attachment_names(self) -> list[str]:
        """Every attachment file name, for "did you mean" hints."""
        return [attachment.name for attachment in self.attachments.values()]


def spelling_key(raw: str) -> str:
    """A link's text without its spaces and tabs: equal for the link as written and as
    the page shows it (tabs expanded, a code span's padding dropped)."""
    return "".join(raw.split())


def note_extension_stripped(path: str) -> str:
    """`Note.md` → `Note`; other names unchanged."""
    if path.lower().endswith("." + NOTE_EXTENSION):
        return path[: -len(NOTE_EXTENSION) - 1]
    return path


__all__ = ["Attachment", "Block", "Heading", "Note", "VaultIndex", "fold"]
