"""Resolve a link target the way Obsidian does, or say precisely why not.

Rules, in order (Obsidian's `getFirstLinkpathDest`, made explicit):

1. An empty path (`[[#Heading]]`) is the note itself.
2. `./` and `../` are relative to the linking note's folder; a leading `/`
   is the vault root. `Note.md` is the same as `Note`. A path whose `..`
   climb above the vault (`../x`, `sub/../../x`) leaves it and is refused.
3. Candidates are the files whose path ends with the link path at a folder
   boundary, compared case-insensitively; notes first, then front-matter
   aliases (bare names only), then attachments.
4. Among several candidates an exact-case match wins; if several remain, the
   closest to the linking note wins (same folder, then most shared folders,
   then the shortest path) and the link is reported as ambiguous, listing all.
5. `#A#B` finds heading A, then B inside A's section; `#^id` a block id.
   Heading text matches case-insensitively; then as Obsidian matches it, punctuation
   read as spaces (`anchors.heading_key`), against the heading's source text or the
   text its page displays (formatting stripped); then by slug.
"""

from __future__ import annotations

import difflib
import posixpath
from dataclasses import dataclass, field

from .anchors import heading_key
from .grammar import LinkTarget, extension_of
from .index import Attachment, Heading, Note, VaultIndex, fold, note_extension_stripped


@dataclass(frozen=True)
class Problem:
    """Something wrong with a link: what, and a hint for fixing it."""

    message: str
    hint: str = ""


@dataclass
class Resolution:
    """Where a link goes: a note (with optional anchor), an attachment, or nowhere."""

    note: Note | None = None
    attachment: Attachment | None = None
    anchor: str | None = None
    heading: Heading | None = None
    block_id: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """True when the link has a target to point at (even with a missing anchor)."""
        return self.note is not None or self.attachment is not None


def _normalize_heading(text: str) -> str:
    return " ".join(text.casefold().split())


class Resolver:
    """Resolves `LinkTarget`s against a `VaultIndex`, from a given source note."""

    def __init__(self, index: VaultIndex) -> None:
        self.index = index
        self._slugs: dict[int, tuple[Heading, str]] = {}

    # -- files -------------------------------------------------------------------------
    def resolve(self, target: LinkTarget, source: Note) -> Resolution:
        """Resolve a parsed `[[...]]` written in `source`."""
        if not target.path:
            if not target.headings and target.block is None:
                return Resolution(
                    problems=[Problem("empty link", "write [[Note]] or [[#Heading]]")]
                )
            resolution = Resolution(note=source)
        else:
            resolution = self.resolve_path(target.path, source)
        if resolution.note is not None and (target.headings or target.block is not None):
            self._resolve_subpath(resolution, target)
        return resolution

    def resolve_path(self, raw_path: str, source: Note) -> Resolution:
        """Resolve the file part of a link (no `#`)."""
        path = raw_path.strip().replace("\\", "/")
        if path.startswith(("./", "../")):
            path = posixpath.normpath(posixpath.join(source.folder, path))
            if _climbs_out(path):
                return Resolution(problems=[_leaves_vault(raw_path)])
        elif _climbs_out(posixpath.normpath(path.lstrip("/"))):
            # `sub/../../x` or `/a/../../x`: read from the vault root, the `..` climb above it.
            return Resolution(problems=[_leaves_vault(raw_path)])
        path = path.lstrip("/")
        if not path or path in {".", ".."}:
            return Resolution(problems=[Problem(f"malformed link '{raw_path}'", "write [[Note]]")])

        note_path = note_extension_stripped(path)
        explicit_md = note_path != path
        notes = self._suffix_matches(
            self.index.notes_named(posixpath.basename(note_path)), note_path
        )
        if notes:
            return self._choose(notes, path, source, lambda n: n.path_without_extension, note_path)
        if "/" not in note_path and not explicit_md:
            aliased = self.index.notes_aliased(note_path)
            if aliased:
                return self._choose(aliased, path, source, lambda n: n.path_without_extension, None)
        attachments = self._suffix_matches(
            self.index.attachments_named(posixpath.basename(path)), path, attachment=True
        )
        if attachments:
            return self._choose(attachments, path, source, lambda a: a.src_uri, path)
        return Resolution(problems=[self._not_found(raw_path.strip(), path)])

    def _suffix_matches(self, candidates: list, path: str, attachment: bool = False) -> list:
        if "/" not in path:
            return list(candidates)
        wanted = fold(path)
        matches = []
        for candidate in candidates:
            full = fold(candidate.src_uri if attachment else candidate.path_without_extension)
            if full == wanted or full.endswith("/" + wanted):
                matches.append(candidate)
        return matches

    def _choose(self, candidates: list, raw: str, source: Note, key, exact_path: str | None):
        if len(candidates) == 1:
            only = candidates[0]
            if isinstance(only, Attachment):
                return Resolution(attachment=only)
            if only.published:
                return Resolution(note=only)
        published = [c for c in candidates if not isinstance(c, Note) or c.published]
        if not published:
            # The closest one, as for published notes: the index's order must not show.
            note = min(candidates, key=lambda c: _closeness(c.src_uri, source.src_uri))
            return Resolution(
                problems=[
                    Problem(
                        f"'{raw}' links to '{note.src_uri}', "
                        "which is not published (publish: false)",
                        "remove the link or publish the note",
                    )
                ]
            )
        candidates = published
        if len(candidates) > 1 and exact_path is not None:
            exact = [
                c for c in candidates if key(c) == exact_path or key(c).endswith("/" + exact_path)
            ]
            if exact:
                candidates = exact
        if len(candidates) == 1:
            ranked = candidates
        else:
            ranked = sorted(candidates, key=lambda c: _closeness(c.src_uri, source.src_uri))
        chosen = ranked[0]
        problems = []
        if len(ranked) > 1:
            listing = ", ".join(c.src_uri for c in ranked)
            chosen_path = chosen.src_uri
            if isinstance(chosen, Note):
                chosen_path = chosen.path_without_extension
            problems.append(
                Problem(
                    f"ambiguous link '{raw}' matches {len(ranked)} files: {listing}; "
                    f"using '{chosen.src_uri}'",
                    f"add a folder to the link, e.g. [[{chosen_path}]]",
                )
            )
        if isinstance(chosen, Note):
            return Resolution(note=chosen, problems=problems)
        return Resolution(attachment=chosen, problems=problems)

    def _not_found(self, raw: str, path: str) -> Problem:
        extension = extension_of(path)
        if extension and extension != "md" and " " not in extension:
            pool = self.index.all_attachment_names()
            kind = "attachment"
        else:
            pool = self.index.all_names()
            kind = "note"
        basename = posixpath.basename(note_extension_stripped(path))
        folded = {fold(name): name for name in pool}
        close = difflib.get_close_matches(fold(basename), list(folded), n=1, cutoff=0.75)
        hint = (
            f"did you mean [[{folded[close[0]]}]]?"
            if close
            else f"create the {kind} or fix the name"
        )
        return Problem(f"{kind} '{raw}' not found", hint)

    # -- headings and blocks -------------------------------------------------------------
    def _resolve_subpath(self, resolution: Resolution, target: LinkTarget) -> None:
        note = resolution.note
        assert note is not None
        if target.headings:
            heading = self.find_heading(note, target.headings)
            if heading is None and len(target.headings) == 1 and target.headings[0] in note.labels:
                # The output of a labelled snippet, under the id its page gives it.
                resolution.anchor = note.labels[target.headings[0]]
                return
            if heading is None:
                wanted = "#".join(target.headings)
                texts = [h.link_text for h in note.headings]
                close = difflib.get_close_matches(target.headings[-1], texts, n=1, cutoff=0.6)
                hint = f"did you mean #{close[0]}?" if close else "check the heading text"
                resolution.problems.append(
                    Problem(f"heading '#{wanted}' not found in '{note.src_uri}'", hint)
                )
                return
            resolution.heading = heading
            resolution.anchor = heading.anchor
        if target.block is not None:
            block = note.blocks.get(target.block)
            if block is None:
                folded = {fold(k): v for k, v in note.blocks.items()}
                block = folded.get(fold(target.block))
            if block is None:
                close = difflib.get_close_matches(target.block, list(note.blocks), n=1, cutoff=0.6)
                hint = (
                    f"did you mean ^{close[0]}?"
                    if close
                    else f"add ' ^{target.block}' after the block"
                )
                resolution.problems.append(
                    Problem(f"block '^{target.block}' not found in '{note.src_uri}'", hint)
                )
                return
            resolution.block_id = block.id
            resolution.anchor = block_anchor(block.id)

    def find_heading(self, note: Note, path: tuple[str, ...]) -> Heading | None:
        """Find `#A#B…`: each heading inside the section of the previous one."""
        start, end, level = 0, float("inf"), 0
        found: Heading | None = None
        for wanted in path:
            eligible = [h for h in note.headings if start < h.line <= end and h.level > level]
            found = self._match_heading(eligible, wanted)
            if found is None:
                return None
            start, end = note.section(found)
            level = found.level
        return found

    def _match_heading(self, headings: list[Heading], wanted: str) -> Heading | None:
        """Text match ignoring case and spacing first; then Obsidian's match (punctuation
        and markup read as spaces, `anchors.heading_key`), then the same slug."""
        key = _normalize_heading(wanted)
        for heading in headings:
            if _normalize_heading(heading.text) == key:
                return heading
        key = heading_key(wanted)
        if key:
            for heading in headings:
                if key in heading.keys:
                    return heading
        slug = self.index.anchor_maker.slug(wanted)
        if not slug:
            return None
        for heading in headings:
            if self._slug(heading) == slug:
                return heading
        return None

    def _slug(self, heading: Heading) -> str:
        """The heading's slug, computed once per build (a missed link compares them all)."""
        found = self._slugs.get(id(heading))
        if found is None or found[0] is not heading:
            found = (heading, self.index.anchor_maker.slug(heading.text))
            self._slugs[id(heading)] = found
        return found[1]


def _climbs_out(normalized_path: str) -> bool:
    """True for a normalized path that starts above its base folder (`..`, `../x`)."""
    return normalized_path == ".." or normalized_path.startswith("../")


def _leaves_vault(raw_path: str) -> Problem:
    return Problem(f"link '{raw_path}' leaves the vault", "link inside the vault")


def block_anchor(block_id: str) -> str:
    """The HTML id a `^block` gets: `^id`, like Obsidian Publish."""
    return "^" + block_id


def _closeness(candidate_uri: str, source_uri: str) -> tuple[int, int, int, str]:
    candidate_folder = posixpath.dirname(candidate_uri).split("/") if "/" in candidate_uri else []
    source_folder = posixpath.dirname(source_uri).split("/") if "/" in source_uri else []
    shared = 0
    for a, b in zip(candidate_folder, source_folder):
        if a != b:
            break
        shared += 1
    same_folder = 0 if candidate_folder == source_folder else 1
    return (same_folder, -shared, len(candidate_folder), candidate_uri)
