"""The Obsidian link grammar, once, as named and commented patterns.

Every other module parses wikilinks through this one, so the scanner (which
records line numbers) and the Markdown extension (which renders) can never
disagree about what a link is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `[[target]]`, `[[target|text]]`, `![[target]]`. The target may not contain
# `]]` or a newline; Obsidian ends a link at the first `]]`. A backslash before
# the opening brackets escapes the link. `\|` (needed inside tables) counts as
# the alias separator, exactly as Obsidian treats it.
WIKILINK_PATTERN = (
    r"(?<!\\)"  # not escaped with a backslash
    r"(?P<embed>!?)"  # `!` makes it an embed
    r"\[\[(?P<body>[^\[\]\n]*?)\]\]"  # target and optional |text; no brackets or newlines inside
)
# The same without the look-behind and the optional `!`, so the regex engine can jump
# straight to each `[[` (Python-Markdown searches every text node with it); the inline
# processor checks the character before the match itself.
WIKILINK_FAST_PATTERN = r"\[\[(?P<body>[^\[\]\n]*?)\]\]"
WIKILINK_RE = re.compile(WIKILINK_PATTERN)
WIKILINK_FAST_RE = re.compile(WIKILINK_FAST_PATTERN)

# `%%comment%%` on one line or across lines of the same paragraph.
INLINE_COMMENT_RE = re.compile(r"%%(?P<text>.*?)%%", re.DOTALL)

# `^block-id` at the very end of a paragraph or list item, after a space.
# Obsidian allows Latin letters, digits and dashes.
BLOCK_ID_TAIL_RE = re.compile(r"(?:(?<=\s)|^)\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")
# Literal-first form for the inline processor, which checks the preceding space itself.
BLOCK_ID_TAIL_FAST_PATTERN = r"\^(?P<id>[A-Za-z0-9-]+)[ \t]*$"

# A `^block-id` line of its own (it names the block right before it).
BLOCK_ID_LINE_RE = re.compile(r"^[ \t]*\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")

# An image size after the pipe: `300` or `300x200`.
SIZE_RE = re.compile(r"^(?P<width>\d+)(?:x(?P<height>\d+))?$")

# ATX heading as Obsidian (and CommonMark) reads it: a space after the hashes
# is required, so `#tag` at the start of a line stays a tag. The text ends at its last
# character that is no space; read as `.*?` before `[ \t]*$` it would take time
# quadratic in a run of spaces inside it (a 32 KB heading line: seconds).
ATX_HEADING_RE = re.compile(
    r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>(?:[ \t]*[^ \t])*))?[ \t]*$"
)

# Code fence opener/closer (``` or ~~~, at least three).
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")

# A fence opener as pymdownx.superfences reads it (its `RE_NESTED_FENCE_START`). Superfences
# is a preprocessor: it takes fences before any block is parsed, at any indentation and
# inside quotes, so its rules, not CommonMark's, decide what the page shows as code.
SUPERFENCE_OPENER_RE = re.compile(
    r"^(?P<prefix>[> \t]*)"  # quote markers and indentation, any depth
    r"(?P<fence>`{3,}|~{3,})"
    r"(?P<info>"
    r"(?:[ \t]*\.?[\w#.+-]+(?=[ \t]|$))?"  # a language: `python`, `.c++`
    r"(?:"
    r"[ \t]*\{[^\n]*\}"  # `{.class #id key="value"}`
    # `key` or `key="value"` options. Which keys a fence accepts depends on its validator
    # (the highlighter's, or a custom fence's such as `exec`), so any key is taken on trust.
    # A value ends at its first closing quote followed by a space or the end. (Superfences'
    # lazy `.*?` may also end at a later one, which makes its regex exponential on a line
    # of many `a="x"`; the rare header only that reading accepts is text here.)
    r"|(?:[ \t]*[A-Za-z][A-Za-z0-9_]*"
    r"(?:=(?:\"(?:[^\"\n]|\"(?![ \t]|$))*\"|'(?:[^'\n]|'(?![ \t]|$))*'))?"
    r"(?=[ \t]|$))+"
    r")?)"
    r"[ \t]*$"  # anything else after the fence (```` ```x``` ````, `~~~ a b!`) makes it text
)
# Python-Markdown expands tabs to this many columns before superfences sees a line.
TAB_LENGTH = 4
# The characters a fence opener line can start with (an empty line starts none).
_OPENER_FIRST = frozenset("`~> ")

# Inline code span: a run of backticks and the next run of the same length.
CODE_SPAN_RE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
# The same, scanned together with backslash escapes: `\`` is a literal backtick that opens
# nothing (as Python-Markdown reads it), while `\\` before a backtick is an escaped backslash.
_ESCAPE_OR_CODE_SPAN_RE = re.compile(r"\\.|" + CODE_SPAN_RE.pattern, re.DOTALL)

# Obsidian compares a link's heading with a note's headings after reading each of these
# characters as a space and collapsing spaces (its `stripHeading`; help: "Normalizes
# headings for link matching by stripping out special characters"), so `[[N#What A b c]]`
# reaches `## What? A: b/c` and `[[N#hasTag]]` reaches ``### `hasTag()` ``.
HEADING_MATCH_PUNCTUATION_RE = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\]")
# What Obsidian removes from a heading when it writes a link to it (`stripHeadingForLink`):
# the characters that would end or split the link.
HEADING_LINK_UNSAFE_RE = re.compile(r"[:#|^\\\r\n]|%%|\[\[|\]\]")

IMAGE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico", "tif", "tiff"}
)
AUDIO_EXTENSIONS = frozenset({"mp3", "wav", "m4a", "ogg", "3gp", "flac", "webm_audio"})
VIDEO_EXTENSIONS = frozenset({"mp4", "webm", "ogv", "mov", "mkv"})
NOTE_EXTENSION = "md"


@dataclass(frozen=True)
class LinkTarget:
    """A parsed `[[...]]` body.

    `path` is what names the file (may be empty for `[[#Heading]]`), `headings`
    the `#A#B` path, `block` the `^id`, and `text` what follows the pipe.
    """

    path: str
    headings: tuple[str, ...] = ()
    block: str | None = None
    text: str | None = None

    @property
    def subpath_label(self) -> str:
        """The `#...` part as Obsidian displays it (`A > B`, `^id`)."""
        parts = list(self.headings)
        if self.block is not None:
            parts.append("^" + self.block)
        return " > ".join(parts)


def split_alias(body: str) -> tuple[str, str | None]:
    """Split `target|text` at the first pipe; `\\|` (table-escaped) counts as a pipe."""
    body = body.replace("\\|", "|")
    if "|" in body:
        target, text = body.split("|", 1)
        return target, text
    return body, None


def parse_target(body: str) -> LinkTarget:
    """Parse the inside of `[[...]]` into its parts.

    Whitespace around every part is insignificant in Obsidian (`[[ Note ]]`).
    """
    target, text = split_alias(body)
    path, _, sub = target.partition("#")
    headings: list[str] = []
    block: str | None = None
    if _:
        for part in sub.split("#"):
            part = part.strip()
            if not part:
                continue
            if part.startswith("^"):
                block = part[1:].strip()
            else:
                headings.append(part)
    return LinkTarget(
        path=path.strip(),
        headings=tuple(headings),
        block=block,
        text=text.strip() if text is not None else None,
    )


def display_text(target: LinkTarget) -> str:
    """The text Obsidian shows for a link without an explicit alias."""
    if target.text:
        return target.text
    label = target.subpath_label
    if target.path and label:
        return f"{target.path} > {label}"
    return target.path or label


def parse_size(text: str | None) -> tuple[int | None, int | None]:
    """`300` → (300, None); `300x200` → (300, 200); anything else → (None, None)."""
    if not text:
        return None, None
    match = SIZE_RE.match(text.strip())
    if not match:
        return None, None
    height = match.group("height")
    return int(match.group("width")), int(height) if height else None


def extension_of(path: str) -> str:
    """Lower-case extension without the dot, '' if none."""
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return ""
    return name.rsplit(".", 1)[-1].lower()


def split_lines(text: str) -> list[str]:
    """A note's lines as Python-Markdown numbers them: only `\\n`, `\\r\\n` and `\\r` end one.

    `str.splitlines` also breaks at form feeds, vertical tabs, `\\x1c`-`\\x1e`, `\\x85` and
    U+2028/U+2029, which Markdown keeps inside a line; line numbers, headings and the
    sections transclusions cut would drift from what the page shows.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # a final newline ends the last line, it does not start another
    return lines


def mask_code_spans(line: str) -> str:
    """Blank out inline code spans so link scanning never sees inside them.

    Same length as the input, so column positions survive. Escaped backticks open no
    span: otherwise `\\`a %% b` %%` would hide the comment's closer and, with it, every
    block after it.
    """
    return _ESCAPE_OR_CODE_SPAN_RE.sub(
        lambda m: " " * len(m.group(0)) if m.group("ticks") else m.group(0), line
    )


def fenced_code_blocks(lines: list[str]) -> dict[int, int]:
    """Fenced code as pymdownx.superfences finds it: opener index → closer index (0-based).

    Superfences, not CommonMark, decides what the page shows as code, and the two differ:
    a fence that never closes is text (CommonMark: code to the end), only a closer of the
    same length closes it, and a line indented less than the opener ends it as text. The
    scanner and the tag finder follow these rules so that a link or tag is skipped exactly
    when the page shows it as code.
    """
    blocks: dict[int, int] = {}
    fence: _OpenFence | None = None
    for index, line in enumerate(lines):
        if "\t" in line:
            line = line.expandtabs(TAB_LENGTH)
        if fence is None:
            if line[:1] in _OPENER_FIRST:  # most lines are prose: skip the regex
                fence = _OpenFence.opened_by(line, index)
            continue
        if not line.strip(" "):
            line = ""  # Python-Markdown empties whitespace-only lines first
        verdict = fence.read(line)
        if verdict == "close":
            blocks[fence.start] = index
        if verdict != "content":
            fence = None  # closed, or abandoned: its lines stay text and the next may open
    return blocks


@dataclass
class _OpenFence:
    """A superfences fence being read: what closes it and what abandons it.

    Mirrors `SuperFencesBlockPreprocessor.eval_fence` / `eval_quoted`; `prefix` is the
    opener's run of indentation and `>` markers, which every line of the block repeats.
    """

    start: int
    fence: str
    prefix: str
    blank_lines: int = 0

    @classmethod
    def opened_by(cls, line: str, index: int) -> _OpenFence | None:
        """The fence `line` opens, None if it opens none."""
        match = SUPERFENCE_OPENER_RE.match(line)
        if match is None:
            return None
        return cls(index, match.group("fence"), match.group("prefix"))

    def read(self, line: str) -> str:
        """`content`, `close`, or `abandon` (the opener and its lines are text after all)."""
        width = len(self.prefix)
        taken = len(line) - len(line.lstrip("> \t"))
        ws, content = line[: min(taken, width)], line[min(taken, width) :]
        quotes, opener_quotes = ws.count(">"), self.prefix.count(">")
        is_closer = content.rstrip(" \t") == self.fence
        if not opener_quotes:
            if quotes:
                return "abandon"  # a quote where the fence has none
            if not (ws + content).strip():
                return "content"
            if len(ws) != width:
                return "abandon"  # indented less than the opener
            return "close" if is_closer else "content"
        if quotes > opener_quotes:
            return "abandon"
        if content == "":
            self.blank_lines += 1
            return "content"
        if len(ws) < width or (self.blank_lines and quotes < opener_quotes):
            return "abandon"
        self.blank_lines = 0
        return "close" if is_closer else "content"


# pymdownx.superfences reads a fence opener with a regex whose `key="value"` options take
# time exponential in their number when the line ends in something that is not an option
# (24 options: 3 s; 40: days). Past this many, the opener is shown as text, as superfences
# itself would show it in the end, and the scanner reports it (see `overloaded_fences`).
MAX_FENCE_OPTIONS = 12
_FENCE_LINE_RE = re.compile(r"^[> \t]*(?:`{3,}|~{3,})[^\n]*", re.MULTILINE)
_QUOTED_OPTION_RE = re.compile(r"""[A-Za-z][A-Za-z0-9_]*=["']""")


def overloaded_fences(lines: list[str]) -> list[tuple[int, int]]:
    """(0-based index, option count) of every line of `lines` that opens a fence with too
    many quoted options. Given lines, not text, so that the scanner (lines from
    `split_lines`) and the page (Python-Markdown's lines) number them alike."""
    text = "\n".join(lines)
    found = []
    line, counted_to = 0, 0
    for match in _FENCE_LINE_RE.finditer(text):
        options = len(_QUOTED_OPTION_RE.findall(match.group()))
        if options > MAX_FENCE_OPTIONS:
            line += text.count("\n", counted_to, match.start())
            counted_to = match.start()
            found.append((line, options))
    return found


def defuse_fence(line: str) -> str:
    """`line` with its first fence character written as an HTML entity: text, not a fence."""
    position = len(line) - len(line.lstrip("> \t"))
    entity = "&#96;" if line[position] == "`" else "&#126;"
    return line[:position] + entity + line[position + 1 :]
