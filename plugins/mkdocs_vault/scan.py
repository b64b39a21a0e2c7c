"""Scan one note's source: front matter, headings, block ids, link occurrences.

This is the only place that reads a note line by line. It runs once per note
per build and records what the index and the diagnostics need: headings with
their line numbers (for anchors and section transclusion), `^block` ids with
the line range of their block, every `[[link]]` outside code with its
line (Python-Markdown does not track lines, so warnings take them from here),
and the `#tags` of the text (the page and the graph both take them from here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import yaml
from mkdocs.utils.meta import YAML_RE as MKDOCS_YAML_RE

from .anchors import heading_keys, heading_link_text
from .blocks import Fence, note_blocks
from .comments import strip_comments
from .grammar import (
    BLOCK_ID_LINE_RE,
    BLOCK_ID_TAIL_RE,
    LIST_ITEM_RE,
    MAX_FENCE_OPTIONS,
    SUPERFENCE_OPENER_RE,
    WIKILINK_RE,
    mask_code_spans,
    overloaded_fences,
    split_lines,
    tags_in,
)
from .limits import NoteBudget

_FRONT_MATTER_END = {"---", "..."}
# libyaml's safe loader is ~10x faster than the pure-Python one; same semantics.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Far more than any real note's properties; small enough to check in a millisecond.
MAX_FRONT_MATTER_VALUES = 10_000


@dataclass
class Heading:
    """A heading of a note: its level, source text, 1-based line and page anchor."""

    level: int
    text: str
    line: int
    anchor: str = ""

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """What a link's heading is compared with (`anchors.heading_keys`); computed when
        a link first needs it, as most headings are never linked to."""
        return heading_keys(self.text)

    @cached_property
    def link_text(self) -> str:
        """The heading as a link writes it (`anchors.heading_link_text`), for hints."""
        return heading_link_text(self.text)


@dataclass
class Block:
    """A `^id` block: the lines (1-based, inclusive) it spans in the source."""

    id: str
    start: int
    end: int
    marker_line: int


@dataclass
class CodeBlock:
    """A fenced Python block: its info string, the line of its first code line, its code."""

    info: str
    first_line: int
    code: str = ""


@dataclass
class ScanResult:
    """What scanning one note found."""

    meta: dict = field(default_factory=dict)
    meta_error: str | None = None
    body_start: int = 1
    headings: list[Heading] = field(default_factory=list)
    blocks: dict[str, Block] = field(default_factory=dict)
    # Every `[[...]]`/`![[...]]` outside code, as written → its lines, in order.
    link_lines: dict[str, list[int]] = field(default_factory=dict)
    # Fenced blocks whose language is python (candidates for execution), in order.
    code_blocks: list[CodeBlock] = field(default_factory=list)
    line_count: int = 0
    # Set when the file is not UTF-8 text (a binary file named .md, a Latin-1 note).
    encoding_error: str | None = None
    # (line, message, hint) of what the page will not show as written.
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    # The line where the note passed a limit of `limits.py`: from it on, plain text.
    cut: int | None = None
    # The `#tags` of the text (before `cut`), in order, as the page renders them as tags.
    inline_tags: list[str] = field(default_factory=list)


def split_front_matter(lines: list[str]) -> tuple[str | None, int]:
    """Return the raw YAML and the 1-based line where the body starts.

    Mirrors MkDocs' own rule: `---` on the first line, closed by `---` or `...`.
    """
    if not lines or lines[0].rstrip() != "---":
        return None, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _FRONT_MATTER_END:
            return "\n".join(lines[1:index]), index + 2
    return None, 1


def source_for_mkdocs(text: str) -> str:
    """The note's text as MkDocs should read it: properties only from a leading `---` block.

    MkDocs' meta reader (`mkdocs.utils.meta.get_data`) takes a `---` YAML block, and,
    without one, MultiMarkdown meta: every first line shaped `Word: text`, up to a blank
    line, is deleted from the page and becomes a property (`Note: …`, `TODO: …`,
    `Source: https://…`, even `Title:` and `Tags:`). Obsidian reads properties only from
    the `---` block. A note without that block is handed over after one blank line, where
    MultiMarkdown meta ends before it begins; Markdown ignores a leading blank line, so
    the page is the note, every line in place. Line ends are `\\n` first, as MkDocs' own
    read gives them (a `---` block of a Windows file is front matter too).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if MKDOCS_YAML_RE.match(text):  # MkDocs' own test for a YAML block
        return text
    return "\n" + text


def parse_front_matter(raw: str | None) -> tuple[dict, str | None]:
    """Parse YAML front matter; a broken or non-mapping one becomes an error string."""
    if raw is None:
        return {}, None
    try:
        data = yaml.load(raw, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader, C if available)
    except yaml.YAMLError as error:
        return {}, f"invalid YAML front matter: {str(error).splitlines()[0]}"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, f"front matter is a {type(data).__name__}, not a mapping"
    if _expands_beyond(data, MAX_FRONT_MATTER_VALUES):
        # YAML anchors let a few lines stand for billions of values ("billion laughs");
        # loading shares them, but anything that walks or prints the values would not end.
        return {}, f"front matter expands to more than {MAX_FRONT_MATTER_VALUES} values"
    return data, None


def _expands_beyond(data: object, budget: int) -> bool:
    """True if walking `data` (aliases followed, as any reader would) visits > `budget` values."""
    stack = [data]
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > budget:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def scan_note(text: str, bounded: bool = True) -> ScanResult:
    """Scan a note's full source text (front matter included).

    `bounded`: apply the per-note limits of `limits.py` (off for the pages the plugin
    generates itself, such as a folder's index listing every note of a large folder)."""
    lines = split_lines(text)
    raw_meta, body_start = split_front_matter(lines)
    meta, meta_error = parse_front_matter(raw_meta)
    result = ScanResult(
        meta=meta, meta_error=meta_error, body_start=body_start, line_count=len(lines)
    )
    budget = NoteBudget()

    # The body as the page parses it: `%%comments%%` removed, one line per source line.
    body = lines[body_start - 1 :]
    # Counted first, on their own: the loop below stops at the first limit passed.
    markers = NoteBudget()
    if "%%" in text:
        _count_comment_markers(body, body_start, markers)
        lines = lines[: body_start - 1] + strip_comments(body)
        body = lines[body_start - 1 :]
    # The blocks as the page parses them (`blocks.py`): code and headings by CommonMark.
    # Past a note's limit of comment markers the page parses only the part before it.
    if bounded and markers.cut is not None:
        parsed = note_blocks(body[: markers.cut - body_start])
    else:
        parsed = note_blocks(body)
    # First line → last line (1-based) of every block the page shows as code, math or raw
    # HTML: nothing in one is a heading, link, tag or id.
    literal = {fence.start + body_start: fence.end + body_start for fence in parsed.fences}
    for start, stop in (*parsed.literal, *parsed.html):
        literal[start + body_start] = stop - 1 + body_start
    python = {
        fence.start + body_start: block
        for fence in parsed.fences
        if (block := _python_block(fence, fence.start + body_start)) is not None
    }
    headings = {heading.line + body_start: heading for heading in parsed.headings}
    underlines = {h.end + body_start for h in parsed.headings if h.end != h.line}
    for fence in parsed.fences:
        for _index, options in overloaded_fences([fence.markup + fence.info]):
            result.problems.append(
                (
                    fence.start + body_start,
                    f"a code fence with {options} quoted options is shown without highlighting",
                    f"give a fence at most {MAX_FENCE_OPTIONS} options: the fence parser takes "
                    "time exponential in their number",
                )
            )
    paragraph_start: int | None = None
    previous_block: tuple[int, int] | None = None
    previous_blank = True

    number = body_start - 1
    last = len(lines)
    while number < last:
        number += 1
        past_markers = markers.cut is not None and number > markers.cut
        if bounded and (budget.cut is not None or past_markers):
            break  # the rest is shown as plain text: nothing in it is rendered
        if number in literal:
            end = literal[number]
            code = python.get(number)
            if code is not None:
                result.code_blocks.append(code)
            if paragraph_start is not None:  # (such a block ends the paragraph before it)
                previous_block = (paragraph_start, number - 1)
                paragraph_start = None
            number = end
            previous_blank = False
            continue
        line = lines[number - 1]
        stripped = line.strip()

        if not stripped:
            if paragraph_start is not None:
                previous_block = (paragraph_start, number - 1)
            paragraph_start = None
            previous_blank = True
            continue

        heading = headings.get(number)
        if heading is not None:
            result.headings.append(Heading(heading.level, heading.text, number))
            budget.add("headings", number)
        elif number in underlines:  # a setext heading's `===` / `---`
            paragraph_start = None
            previous_blank = False
            continue

        if "[[" not in line and "^" not in line and "`" not in line:
            # Fast path for ordinary prose (most lines): no link, id or code span in it.
            budget.text_line(line, number)
            if paragraph_start is None:
                paragraph_start = number
            previous_blank = False
            continue

        first = line.lstrip()[:1]
        # Each check below is skipped when a cheap character test rules it out.
        masked = mask_code_spans(line) if "`" in line else line
        visible = masked  # `%%comments%%` are already out of `lines`
        budget.text_line(visible, number)

        if "[[" in visible:
            for match in WIKILINK_RE.finditer(visible):
                # As written: a code span inside the link is blank in `visible`.
                written = match.group(0) if masked is line else line[match.start() : match.end()]
                result.link_lines.setdefault(written, []).append(number)
                budget.add("links", number)
                if match.group(0).startswith("!"):
                    budget.add("embeds", number)

        if paragraph_start is None:
            paragraph_start = number

        if "^" not in visible:
            previous_blank = False
            continue
        own_line = BLOCK_ID_LINE_RE.match(visible)
        tail = BLOCK_ID_TAIL_RE.search(visible.rstrip())
        if own_line and previous_blank and previous_block is not None:
            block_id = own_line.group("id")
            budget.add("block_ids", number)
            result.blocks.setdefault(
                block_id, Block(block_id, previous_block[0], previous_block[1], number)
            )
        elif tail:
            block_id = tail.group("id")
            budget.add("block_ids", number)
            is_list_item = first in _LIST_FIRST and LIST_ITEM_RE.match(line) is not None
            start = number if is_list_item else paragraph_start
            result.blocks.setdefault(block_id, Block(block_id, start, number, number))
        previous_blank = False

    problems = [p for p in (budget.problem, markers.problem) if p is not None]
    if bounded and problems:
        _cut(result, min(problems))
    if "#" in text:
        shown = body if result.cut is None else body[: result.cut - body_start]
        result.inline_tags = tags_in(shown, parsed)
    return result


def _cut(result: ScanResult, problem: tuple[int, str, str]) -> None:
    """Forget what lies at or after the line where the note passed a limit (`limits.py`):
    that part is shown as plain text, so it has no headings, ids, blocks or links."""
    cut = problem[0]
    result.cut = cut
    result.problems.append(problem)
    result.headings = [h for h in result.headings if h.line < cut]
    result.blocks = {k: b for k, b in result.blocks.items() if b.marker_line < cut}
    result.code_blocks = [c for c in result.code_blocks if c.first_line < cut]
    result.link_lines = {
        raw: kept
        for raw, lines in result.link_lines.items()
        if (kept := [n for n in lines if n < cut])
    }


def _python_block(fence: Fence, number: int) -> CodeBlock | None:
    """The python block of a fence whose opener is on line `number`, else None.

    Its code is the fence's content as the page hands it to superfences (a list item's
    indentation and a quote's `>` markers removed), so the block the session runs is the
    one the page shows. Only a header superfences reads makes a block it renders (the
    page shows any other fence as plain code, never executed).
    """
    info = fence.info.strip()
    if not info.lower().startswith(("python", "{.python")):
        return None
    if SUPERFENCE_OPENER_RE.match(fence.markup + fence.info) is None:
        return None
    code = fence.code[:-1] if fence.code.endswith("\n") else fence.code
    return CodeBlock(info, number + 1, code)


_LIST_FIRST = frozenset("-*+0123456789")


def _count_comment_markers(body: list[str], body_start: int, budget: NoteBudget) -> None:
    """Count every `%%` outside code spans against the note's limit (`limits.py`)."""
    for offset, line in enumerate(body):
        if "%%" in line:
            masked = mask_code_spans(line) if "`" in line else line
            markers = masked.count("%%")
            if markers:
                budget.add("comments", body_start + offset, markers)
